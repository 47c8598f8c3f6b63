using Microsoft.Extensions.Options;
using OrleansChat.Silo;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ProtocolTests;

/// <summary>The assistant's job settings are checked at start like every other section's.</summary>
public sealed class AssistantStartupTests
{
    [Theory]
    [InlineData("Assistant:MaxAttempts=0", "Assistant:MaxAttempts must be between 1 and 100.")]
    [InlineData("Assistant:JobsPerMinute=0", "Assistant:JobsPerMinute must be between 1 and 100000.")]
    [InlineData("Assistant:MaxOutputCharacters=4001", "Assistant:MaxOutputCharacters must be between 1 and 4000.")]
    [InlineData("Assistant:MaxBackoff=00:00:01", "Assistant:MaxBackoff must be at least InitialBackoff.")]
    [InlineData("Assistant:JobRetention=00:00:30", "Assistant:JobRetention must be at least one minute.")]
    [InlineData("Assistant:UserId=not a user", "Assistant:UserId must be a user id (1 to 64 of A-Z a-z 0-9 _ . - @).")]
    public async Task A_server_with_an_assistant_setting_out_of_range_does_not_start_and_names_the_key(string setting, string failure)
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

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ChatApplication.Build(args);
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal([failure], error.Failures);
    }
}
