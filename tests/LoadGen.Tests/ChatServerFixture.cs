using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Silo;

namespace OrleansChat.LoadGenTests;

/// <summary>One real chat server (silo and gateway) on loopback, with the send rate limit raised for load.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public const string SigningKey = "loadgen-tests-signing-key-0123456789-abcdefghij";

    private readonly string _dataDirectory =
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "orleanschat-loadgen-tests", Guid.NewGuid().ToString("N"))).FullName;

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _app = ChatApplication.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:DataDirectory={_dataDirectory}",
            $"--Orleans:SiloPort={FreePort()}",
            $"--Orleans:GatewayPort={FreePort()}",
            $"--Auth:SigningKey={SigningKey}",
            "--Logging:LogLevel:Default=Warning",
            "--RateLimit:SendsPerSecond=10000",
            "--RateLimit:Burst=10000",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "shared chat server";
}
