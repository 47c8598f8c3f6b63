namespace OrleansChat.ProtocolTests;

/// <summary>The server's assistant as configured: providers from <c>Assistant:Providers</c>, each asked as often as configured.</summary>
public sealed class AssistantProviderConfigurationTests
{
    [Fact]
    public async Task One_configured_provider_is_asked_once_per_attempt_and_the_job_is_dead_lettered_after_its_attempts()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Error(500);
        await using var server = await ChatServer.StartAsync(
            null,
            "Assistant:Providers:0:Kind=OpenAI",
            $"Assistant:Providers:0:Endpoint={standIn.Endpoint}",
            "Assistant:Providers:0:Model=stand-in",
            "Assistant:Providers:0:ApiKey=stand-in-key",
            "Assistant:Providers:0:Retries=0",
            "Assistant:MaxAttempts=2",
            "Assistant:InitialBackoff=00:00:00.050");
        var alice = server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(new ChatUser(server, "assistant"))).Text("chatId");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello" });
        var jobId = (await socket.ReceiveAsync("ack")).Text("jobId");
        var job = await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "dead_lettered");

        // Bound twice, the provider list held the one provider twice, and each attempt fell over to its copy.
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal(2, standIn.Requests.Count);
    }
}
