using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen;

/// <summary>
/// <c>LoadGen tsung-users --out users.csv [LoadGen options]</c>: the users, tokens and chats a Tsung scenario
/// (loadtest/tsung) replays, made through OrleansChat's REST API as the generator makes them, so both tools load the
/// same shapes. One line per user, <c>user;token;chatId;sender</c> (receivers first, so they are connected before
/// senders start), and a second file <c>{out}.sizes</c> with the byte sizes of a message frame and an ack as the
/// server writes them for this content, and of what every connection receives first (the upgrade answer and the
/// <c>welcome</c>): Tsung counts received bytes, not frames.
/// </summary>
public static class TsungUsers
{
    /// <summary>The content every Tsung send carries: as long as the generator's default (<c>--content-length</c>).</summary>
    public static string Content(int length) => new('x', length);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var outIndex = args.ToList().IndexOf("--out");
        if (outIndex < 0 || outIndex + 1 >= args.Count)
        {
            Console.Error.WriteLine("usage: LoadGen tsung-users --out users.csv --url URL --signing-key KEY --scenario fanout|connections [--chats C --members M | --connections N]");
            return 64;
        }

        var path = args[outIndex + 1];
        var options = LoadOptions.Parse([.. args.Take(outIndex), .. args.Skip(outIndex + 2)]);
        if (options.SigningKey is null)
        {
            Console.Error.WriteLine("tsung-users needs --signing-key: Tsung presents the minted tokens");
            return 64;
        }

        var minter = new TokenMinter(options.SigningKey);
        using var sources = new SourceAddresses(1);
        var target = new OrleansChatTarget(options.Url, options.SigningKey, sources, null);
        var lines = new List<string>();
        if (options.Scenario == "connections")
        {
            for (var i = 0; i < options.Connections; i++)
            {
                var user = $"{options.RunId}-c{i}";
                lines.Add($"{user};{minter.For(user)};-;0");
            }
        }
        else
        {
            var senders = new List<string>();
            string? probeChat = null;
            string[] probeMembers = [];
            for (var r = 0; r < options.Chats; r++)
            {
                var members = Enumerable.Range(0, options.Members).Select(m => $"{options.RunId}-t{r}-m{m}").ToArray();
                var chatId = await target.CreateGroupAsync(members[0], members, cancellationToken);
                (probeChat, probeMembers) = r == 0 ? (chatId, members) : (probeChat, probeMembers);
                senders.Add($"{members[0]};{minter.For(members[0])};{chatId};1");
                lines.AddRange(members.Skip(1).Select(m => $"{m};{minter.For(m)};{chatId};0"));
            }

            lines.AddRange(senders);
            var (message, ack) = await ProbeFrameSizesAsync(options, minter, probeChat!, probeMembers, cancellationToken);
            var connection = await ConnectionOverheadAsync(options.Url, minter.For(probeMembers[2 % probeMembers.Length]), cancellationToken);
            await File.WriteAllTextAsync(
                path + ".sizes",
                string.Create(CultureInfo.InvariantCulture, $"message={message}\nack={ack}\nconnection={connection}\n"),
                cancellationToken);
        }

        await File.WriteAllLinesAsync(path, lines, cancellationToken);
        Console.WriteLine($"{lines.Count} users written to {path}");
        return 0;
    }

    /// <summary>
    /// Sends one message as Tsung will (same content, a client message id of the same length) and measures the frames
    /// on the wire: the message frame a receiver gets and the ack the sender gets, each with its 2- or 4-byte header.
    /// It takes seq 1 of the first chat; a run's seqs have 1-2 digits more, which the summary's estimate ignores (&lt;1%).
    /// </summary>
    private static async Task<(int Message, int Ack)> ProbeFrameSizesAsync(
        LoadOptions options, TokenMinter minter, string chatId, string[] members, CancellationToken cancellationToken)
    {
        var ws = new UriBuilder(options.Url) { Scheme = "ws", Path = "/ws" }.Uri;
        using var sender = await OpenAsync(ws, minter.For(members[0]), cancellationToken);
        using var receiver = await OpenAsync(ws, minter.For(members[1]), cancellationToken);
        var send = $$"""{"type":"send","chatId":"{{chatId}}","clientMsgId":"{{members[0]}}-100","content":"{{Content(options.ContentLength)}}"}""";
        await sender.SendAsync(Encoding.UTF8.GetBytes(send), WebSocketMessageType.Text, true, cancellationToken);
        var ack = await NextFrameAsync(sender, "\"type\":\"ack\"", cancellationToken);
        var message = await NextFrameAsync(receiver, "\"type\":\"message\"", cancellationToken);
        return (WithHeader(message), WithHeader(ack));
    }

    /// <summary>The bytes a new connection receives before any chat traffic: the 101 answer and the welcome frame.</summary>
    private static async Task<int> ConnectionOverheadAsync(Uri url, string token, CancellationToken cancellationToken)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port, cancellationToken);
        var stream = tcp.GetStream();
        var request = $"GET /ws?access_token={token} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        var received = new List<byte>();
        var buffer = new byte[4096];
        int? end;
        while ((end = WelcomeEnd(received)) is null)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the probe connection before its welcome");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return end.Value;
    }

    /// <summary>Where the first frame after the upgrade answer's headers ends, once all of it has arrived.</summary>
    private static int? WelcomeEnd(List<byte> received)
    {
        var headers = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headers < 0 || received.Count < headers + 6)
        {
            return null;
        }

        var at = headers + 4;
        var length = received[at + 1] & 0x7F;
        if (length == 126)
        {
            if (received.Count < at + 4)
            {
                return null;
            }

            (at, length) = (at + 2, (received[at + 2] << 8) | received[at + 3]);
        }

        var end = at + 2 + length;
        return received.Count >= end ? end : null;
    }

    private static int WithHeader(int payload) => payload + (payload < 126 ? 2 : 4);

    private static async Task<ClientWebSocket> OpenAsync(Uri uri, string token, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(uri, cancellationToken);
        return socket;
    }

    private static async Task<int> NextFrameAsync(ClientWebSocket socket, string type, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (Encoding.UTF8.GetString(buffer, 0, length).Contains(type, StringComparison.Ordinal))
            {
                return length;
            }
        }
    }
}
