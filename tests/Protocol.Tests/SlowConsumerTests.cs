namespace OrleansChat.ProtocolTests;

/// <summary>A server with a 64-frame send queue per connection and no practical send limit.</summary>
public sealed class TinyQueueServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null,
            "Gateway:SendQueueLimit=64", "RateLimit:SendsPerSecond=100000", "RateLimit:Burst=100000",
            "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>
    /// <paramref name="sender"/> posts <paramref name="flood"/> texts of 4,000 characters to the chat over REST from
    /// several loops at once, so that only the members' connections carry the flood, while <paramref name="reader"/>
    /// reads as they come; answers the seqs the reader saw, in the order it saw them.
    /// </summary>
    public static async Task<List<long>> FloodAsync(ChatUser sender, string chatId, ChatSocket reader, int flood, int loops = 4)
    {
        var content = new string('x', 4000);
        var delivered = Task.Run(async () =>
        {
            var seqs = new List<long>();
            for (var i = 0; i < flood; i++)
            {
                seqs.Add((await reader.ReceiveAsync("message", chatId, timeout: TimeSpan.FromSeconds(30))).Number("seq"));
            }

            return seqs;
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, loops).Select(loop => Task.Run(async () =>
        {
            for (var i = loop; i < flood; i += loops)
            {
                await sender.PostMessageAsync(chatId, content, $"k{i}");
            }
        }, TestContext.Current.CancellationToken)));
        return await delivered;
    }
}

public sealed class SlowConsumerTests(TinyQueueServer fixture) : IClassFixture<TinyQueueServer>
{
    private const int Flood = 2000;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_client_that_never_reads_is_closed_with_4008_while_the_others_keep_receiving()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        using var tinyReceiveBuffer = TinyReceiveBuffer.NewInvoker();
        await using var neverReads = await Server.ConnectAsync(bob.Token, tinyReceiveBuffer);
        await using var reader = await carol.ConnectAsync();
        var seen = await TinyQueueServer.FloodAsync(alice, chatId, reader, Flood);

        var (code, _) = await neverReads.ReceiveCloseAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(4008, code);
        Assert.Equal(Enumerable.Range(1, Flood).Select(i => (long)i), seen);
        var after = await alice.PostMessageAsync(chatId, "still here");
        Assert.Equal(after.Number("seq"), (await reader.ReceiveAsync("message", chatId)).Number("seq"));
    }
}
