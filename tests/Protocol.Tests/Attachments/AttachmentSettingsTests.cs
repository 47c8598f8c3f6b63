using Microsoft.Extensions.Options;
using OrleansChat.Silo;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>The Attachments:* settings are checked when the server starts, and the failure names the key to fix.</summary>
public sealed class AttachmentSettingsTests
{
    [Theory]
    [InlineData("Attachments:MaxBytes=0", "Attachments:MaxBytes must be at least 1.")]
    [InlineData("Attachments:OrphanTtl=00:00:00", "Attachments:OrphanTtl must be positive.")]
    [InlineData("Attachments:AllowedTypes:0=application/x-msdownload",
        "Attachments:AllowedTypes holds 'application/x-msdownload'; the types that can be told from the bytes are image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain.")]
    public async Task A_server_with_an_attachment_setting_out_of_range_does_not_start_and_names_the_key(string setting, string failure)
    {
        using var data = new ScratchDirectory("orleanschat-attachment-settings-tests");
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
