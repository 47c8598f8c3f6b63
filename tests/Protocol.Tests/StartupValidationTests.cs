using Microsoft.Extensions.Options;
using OrleansChat.Silo;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ProtocolTests;

/// <summary>A setting out of range stops the server at start, and the failure names the key to fix.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Orleans:SiloPort=70000", "Orleans:SiloPort must be between 0 and 65535.")]
    [InlineData("Orleans:ClusterId=", "Orleans:ClusterId is required.")]
    [InlineData("Chat:MaxGroupMembers=1", "Chat:MaxGroupMembers must be between 2 and 100000.")]
    [InlineData("Gateway:HeartbeatSeconds=0", "Gateway:HeartbeatSeconds must be between 1 and 3600.")]
    [InlineData("Gateway:MaxFramesPerWrite=0", "Gateway:MaxFramesPerWrite must be between 1 and 4096.")]
    [InlineData("RateLimit:Burst=0", "RateLimit:Burst must be between 1 and 1000000.")]
    [InlineData("Auth:SigningKey=shorter-than-32-bytes", "Auth:SigningKey must be at least 32 bytes.")]
    [InlineData("Attachments:MaxBytes=0", "Attachments:MaxBytes must be at least 1.")]
    [InlineData("Attachments:OrphanTtl=00:00:00", "Attachments:OrphanTtl must be positive.")]
    [InlineData("Attachments:AllowedTypes:0=application/x-msdownload",
        "Attachments:AllowedTypes holds 'application/x-msdownload'; the types that can be told from the bytes are image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain.")]
    [InlineData("Assistant:MaxAttempts=0", "Assistant:MaxAttempts must be between 1 and 100.")]
    [InlineData("Assistant:JobsPerMinute=0", "Assistant:JobsPerMinute must be between 1 and 100000.")]
    [InlineData("Assistant:MaxOutputCharacters=4001", "Assistant:MaxOutputCharacters must be between 1 and 4000.")]
    [InlineData("Assistant:MaxBackoff=00:00:01", "Assistant:MaxBackoff must be at least InitialBackoff.")]
    [InlineData("Assistant:JobRetention=00:00:30", "Assistant:JobRetention must be at least one minute.")]
    [InlineData("Assistant:ChunkPollPeriod=00:00:00", "Assistant:ChunkPollPeriod must be between 1 ms and 1 s.")]
    [InlineData("Assistant:ChunkQueues=0", "Assistant:ChunkQueues must be between 1 and 64.")]
    [InlineData("Assistant:UserId=not a user", "Assistant:UserId must be a user id (1 to 64 of A-Z a-z 0-9 _ . - @).")]
    public async Task A_server_with_a_setting_out_of_range_does_not_start_and_names_the_key(string setting, string failure)
    {
        using var data = new ScratchDirectory("orleanschat-startup-validation-tests");
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:DataDirectory={data.Path}",
            $"--Orleans:SiloPort={LoopbackPorts.Free()}",
            $"--Orleans:GatewayPort={LoopbackPorts.Free()}",
            $"--Auth:SigningKey={ChatServer.SigningKey}",
            "--Logging:LogLevel:Default=Warning",
            $"--{setting}",
        ];

        // Some options are read while the endpoints are mapped, the rest when the host starts: either is "at start".
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ChatApplication.Build(args);
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal([failure], error.Failures);
    }
}
