using System.Net;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 3.2 and 9: the <c>cancel</c> frame.</summary>
[Collection(SharedAssistantServer.Name)]
public sealed class CancelFrameTests(AssistantServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_cancel_frame_stops_a_streaming_reply_and_answers_nothing()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        await using var socket = await alice.ConnectAsync();
        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = $"{StandInReplies.Hold} go on" });
        var jobId = (await socket.ReceiveAsync("ack")).Text("jobId");
        await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "streaming");

        await socket.SendAsync(new { type = "cancel", @ref = "c1", jobId });
        var before = await socket.RoundTripAsync();
        var job = await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "cancelled");

        Assert.DoesNotContain(before, f => f.TextOrNull("ref") == "c1");
        Assert.Equal(2, job.Number("resultSeq"));
    }

    [Fact]
    public async Task A_cancel_frame_for_an_unknown_job_answers_not_found()
    {
        var alice = Server.NewUser("alice");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "cancel", @ref = "c1", jobId = "j00000000000000000000000000000000" });

        Expect.Error(await socket.ReceiveAsync("error"), "not_found", "c1");
    }

    [Fact]
    public async Task A_cancel_frame_for_the_job_of_a_chat_the_user_is_not_in_answers_not_found_and_leaves_it_running()
    {
        var alice = Server.NewUser("alice");
        var mallory = Server.NewUser("mallory");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        using var posted = await alice.PostAsync("jobs", new { chatId, clientMsgId = "k1", content = $"{StandInReplies.Hold} mine" });
        var jobId = (await Expect.StatusAsync(posted, HttpStatusCode.Accepted)).Text("jobId");
        await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "streaming");
        await using var socket = await mallory.ConnectAsync();

        await socket.SendAsync(new { type = "cancel", @ref = "c1", jobId });

        Expect.Error(await socket.ReceiveAsync("error"), "not_found", "c1");
        using var response = await alice.GetAsync($"jobs/{jobId}");
        Assert.Equal("streaming", (await Expect.StatusAsync(response, HttpStatusCode.OK)).Text("status"));
        using var stopped = await alice.DeleteAsync($"jobs/{jobId}");
        Assert.Equal("cancelled", (await Expect.StatusAsync(stopped, HttpStatusCode.OK)).Text("status"));
    }

    [Fact]
    public async Task A_cancel_frame_without_a_string_job_id_answers_bad_request()
    {
        var alice = Server.NewUser("alice");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "cancel", @ref = "c1" });
        await socket.SendAsync(new { type = "cancel", @ref = "c2", jobId = 42 });
        await socket.SendAsync(new { type = "cancel", @ref = "c3", jobId = "" });

        foreach (var reference in new[] { "c1", "c2", "c3" })
        {
            var error = await socket.ReceiveAsync("error");
            Expect.Error(error, "bad_request", reference);
            Assert.Contains("jobId", error.Text("message"), StringComparison.Ordinal);
        }
    }
}
