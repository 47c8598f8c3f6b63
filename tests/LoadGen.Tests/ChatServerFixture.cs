using OrleansChat.TestInfrastructure;

namespace OrleansChat.LoadGenTests;

/// <summary>One real chat server (silo and gateway) on loopback, with the send rate limit raised for load.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public const string SigningKey = "loadgen-tests-signing-key-0123456789-abcdefghij";

    private readonly string _dataDirectory = ScratchDirectory.Create("orleanschat-loadgen-tests");

    private InProcessChatServer? _server;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await InProcessChatServer.StartAsync(
            _dataDirectory, SigningKey, ["RateLimit:SendsPerSecond=10000", "RateLimit:Burst=10000", "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000"]);
        BaseAddress = _server.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        ScratchDirectory.Delete(_dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "shared chat server";
}
