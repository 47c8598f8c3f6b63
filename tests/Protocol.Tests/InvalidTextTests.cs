using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>A server without a practical frame limit, so that a fuzz run is not cut short by it, and with development tokens.</summary>
public sealed class FuzzServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null,
            "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000", "Auth:DevTokens=true");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// PROTOCOL.md 3.4: a JSON string that is not Unicode text (a lone surrogate escape, invalid UTF-8 bytes) is a malformed
/// field, answered <c>bad_request</c> (400 over REST), never <c>internal</c>. Over WebSocket only escapes reach the JSON
/// reader: invalid bytes in a text frame are closed with 1007 by the WebSocket layer (<see cref="FrameSizeTests"/>).
/// </summary>
public sealed class InvalidTextTests(FuzzServer fixture) : IClassFixture<FuzzServer>
{
    private const int Seed = 20261129;

    /// <summary>JSON escapes that decode to no Unicode text: lone high and low surrogates, a reversed pair, a high one before a letter.</summary>
    private static readonly string[] BadEscapes = [@"\ud800", @"\udfff", @"\udc00\ud800", @"\ud83d\u0041", @"\ud83d", @"\uDBFF"];

    /// <summary>Raw bytes that are not UTF-8: a stray byte, a lone continuation, an overlong slash, an encoded surrogate, a cut sequence.</summary>
    private static readonly byte[][] BadBytes = [[0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]];

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Frames_with_lone_surrogates_in_any_string_field_get_bad_request_and_the_connection_keeps_answering()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        var random = new Random(Seed);
        var frames = WebSocketFrames();

        for (var i = 0; i < 300; i++)
        {
            var (template, slots) = frames[random.Next(frames.Length)];
            var poisoned = slots[random.Next(slots.Length)];
            var reference = $"f{i}";
            var json = Fill(template, slots, poisoned, random, reference, chatId);

            await socket.SendBytesAsync(json);

            var reply = await socket.ReceiveAsync();
            Assert.True(reply.IsError("bad_request"), $"frame {Encoding.UTF8.GetString(json)} got {reply}");
            if (poisoned != "ref")
            {
                Assert.True(reference == reply.TextOrNull("ref"), $"frame {Encoding.UTF8.GetString(json)} got {reply}");
            }
        }

        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task Bodies_with_lone_surrogates_or_invalid_UTF_8_in_any_string_field_answer_400_on_every_endpoint()
    {
        var alice = Server.NewUser("alice");
        var bob = Server.NewUser("bob");
        var chatId = await alice.CreateGroupIdAsync();
        var random = new Random(Seed);
        (string Path, string Template, string[] Slots, bool Authorized)[] endpoints =
        [
            ("chats", "{\"title\":$title,\"members\":[$member]}", ["title", "member"], true),
            ("chats/direct", "{\"userId\":$userId}", ["userId"], true),
            ($"chats/{chatId}/members", "{\"userId\":$userId}", ["userId"], true),
            ($"chats/{chatId}/messages", "{\"clientMsgId\":$clientMsgId,\"content\":$content}", ["clientMsgId", "content"], true),
            ("devices", "{\"platform\":$platform,\"token\":$token}", ["platform", "token"], true),
            ("auth/dev-token", "{\"userId\":$userId,\"displayName\":$displayName}", ["userId", "displayName"], false),
        ];
        var valid = new Dictionary<string, string>
        {
            ["title"] = "Team", ["member"] = bob.Id, ["userId"] = bob.Id, ["clientMsgId"] = "k1", ["content"] = "hello",
            ["platform"] = "fcm", ["token"] = "device-token", ["displayName"] = "Bob", ["note"] = "unknown fields are text too",
        };

        foreach (var (path, template, fields, authorized) in endpoints)
        {
            string[] slots = [.. fields, "note"];
            var withNote = template[..^1] + ",\"note\":$note}";
            foreach (var poisoned in slots)
            {
                for (var round = 0; round < 6; round++)
                {
                    var body = FillBody(withNote, slots, valid, poisoned, random);
                    using var request = new HttpRequestMessage(HttpMethod.Post, Server.Api(path)) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    if (authorized)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
                    }

                    using var response = await Server.SendAsync(request);

                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
                        $"POST {path} with {Convert.ToHexString(body)} answered {(int)response.StatusCode}: {await response.ReadTextAsync()}");
                    await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
                }
            }
        }
    }

    /// <summary>Every client frame type with its string fields as slots ($name), an unknown field and a property name included.</summary>
    private static (string Template, string[] Slots)[] WebSocketFrames() =>
        [
            ("{\"type\":$type,\"ref\":$ref,\"chatId\":$chatId,\"clientMsgId\":$clientMsgId,\"content\":$content,\"note\":$note}",
                ["type", "ref", "chatId", "clientMsgId", "content", "note"]),
            ("{\"type\":$type,\"ref\":$ref,\"chats\":[{\"chatId\":$chatId,\"afterSeq\":0}],\"note\":$note}", ["type", "ref", "chatId", "note"]),
            ("{\"type\":$type,\"ref\":$ref,\"chatId\":$chatId,\"state\":$state,\"note\":$note}", ["type", "ref", "chatId", "state", "note"]),
            ("{\"type\":$type,\"ref\":$ref,\"chatId\":$chatId,\"seq\":0,\"note\":$note}", ["type", "ref", "chatId", "note"]),
            ("{\"type\":$type,\"ref\":$ref,\"userIds\":[$userId],\"note\":$note}", ["type", "ref", "userId", "note"]),
            ("{\"type\":$type,\"ref\":$ref,$name:1}", ["type", "ref", "name"]),
        ];

    /// <summary>A frame of the template's type whose fields are valid, but for one escape-poisoned slot.</summary>
    private static byte[] Fill(string template, string[] slots, string poisoned, Random random, string reference, string chatId)
    {
        var type = template.Contains("chats", StringComparison.Ordinal) ? "sync"
            : template.Contains("content", StringComparison.Ordinal) ? "send"
            : template.Contains("state", StringComparison.Ordinal) ? "typing"
            : template.Contains("seq", StringComparison.Ordinal) ? "read"
            : template.Contains("userIds", StringComparison.Ordinal) ? "watch_presence"
            : "ping";
        var valid = new Dictionary<string, string>
        {
            ["type"] = type, ["ref"] = reference, ["chatId"] = chatId, ["clientMsgId"] = reference, ["content"] = "hello",
            ["state"] = "start", ["userId"] = "bob", ["note"] = "text", ["name"] = "extra",
        };
        var json = new StringBuilder(template);
        foreach (var slot in slots)
        {
            var value = slot == poisoned ? Poison(valid[slot], random) : valid[slot];
            json.Replace("$" + slot, "\"" + value + "\"");
        }

        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A valid value with one to three bad escapes put in at random places.</summary>
    private static string Poison(string value, Random random)
    {
        // Between the value's own characters, never inside an escape put in before.
        var at = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(value.Length + 1)).Order().ToList();
        var poisoned = new StringBuilder();
        for (var i = 0; i <= value.Length; i++)
        {
            foreach (var _ in at.Where(p => p == i))
            {
                // A letter after each, so that two of them never make a valid pair.
                poisoned.Append(BadEscapes[random.Next(BadEscapes.Length)]).Append('x');
            }

            if (i < value.Length)
            {
                poisoned.Append(value[i]);
            }
        }

        return poisoned.ToString();
    }

    /// <summary>A body whose poisoned slot holds a bad escape or raw bytes that are not UTF-8, each half the time.</summary>
    private static byte[] FillBody(string template, string[] slots, Dictionary<string, string> valid, string poisoned, Random random)
    {
        var parts = new List<byte>();
        var rest = template;
        foreach (var slot in slots)
        {
            var at = rest.IndexOf("$" + slot, StringComparison.Ordinal);
            parts.AddRange(Encoding.UTF8.GetBytes(rest[..at]));
            parts.Add((byte)'"');
            if (slot != poisoned)
            {
                parts.AddRange(Encoding.UTF8.GetBytes(valid[slot]));
            }
            else if (random.Next(2) == 0)
            {
                parts.AddRange(Encoding.UTF8.GetBytes(Poison(valid[slot], random)));
            }
            else
            {
                var value = Encoding.UTF8.GetBytes(valid[slot]);
                var cut = random.Next(value.Length + 1);
                parts.AddRange(value[..cut]);
                parts.AddRange(BadBytes[random.Next(BadBytes.Length)]);
                parts.AddRange(value[cut..]);
            }

            parts.Add((byte)'"');
            rest = rest[(at + slot.Length + 1)..];
        }

        parts.AddRange(Encoding.UTF8.GetBytes(rest));
        return [.. parts];
    }
}
