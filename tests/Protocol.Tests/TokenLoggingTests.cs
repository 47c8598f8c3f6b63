using Microsoft.Extensions.Logging;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 2: tokens never appear in logs, even when a browser puts one in the WebSocket URL.</summary>
public sealed class TokenLoggingTests
{
    [Fact]
    public async Task A_token_in_the_query_string_is_never_written_to_the_log()
    {
        var log = new LogRecorder();
        await using (var server = await ChatServer.StartWithAsync(
            builder => builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(log),
            null,
            "Logging:LogLevel:Default=Trace",
            "Logging:LogLevel:Microsoft.AspNetCore=Trace"))
        {
            var alice = server.NewUser("alice");
            await using var socket = await server.ConnectWithQueryTokenAsync(alice.Token);
            await socket.RoundTripAsync();

            using var rejected = await server.GetAsync("/ws?access_token=" + Uri.EscapeDataString(server.Tokens.Expired(alice.Id)));

            Assert.Contains(log.Messages, m => m.Contains("/ws", StringComparison.Ordinal));
            Assert.DoesNotContain(log.Messages, m => m.Contains(alice.Token, StringComparison.Ordinal));
            Assert.DoesNotContain(log.Messages, m => m.Contains("access_token=ey", StringComparison.Ordinal));
        }
    }
}
