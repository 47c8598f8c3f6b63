using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 9: the assistant's jobs over REST and frames, on a real server with a stand-in provider.</summary>
[Collection(SharedAssistantServer.Name)]
public sealed class JobTests(AssistantServerFixture fixture)
{
    private static readonly string[] JobFields =
        ["jobId", "chatId", "seq", "status", "attempts", "provider", "partial", "resultSeq", "error", "createdAt", "updatedAt"];

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_send_in_a_direct_chat_with_the_assistant_is_acked_with_the_job_it_started()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello assistant" });
        var ack = await socket.ReceiveAsync("ack");

        Assert.Equal(["type", "ref", "chatId", "clientMsgId", "messageId", "seq", "sentAt", "jobId"], Names(ack));
        Assert.Equal(JobIdOf(ack.Text("messageId")), ack.Text("jobId"));
    }

    [Fact]
    public async Task A_group_send_is_acked_with_a_job_only_when_it_mentions_the_assistant()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync(fixture.Assistant);
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "just us here" });
        var plain = await socket.ReceiveAsync("ack");
        await socket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "k2", content = "@assistant are you there" });
        var mention = await socket.ReceiveAsync("ack");

        Assert.Equal(["type", "ref", "chatId", "clientMsgId", "messageId", "seq", "sentAt"], Names(plain));
        Assert.Equal(JobIdOf(mention.Text("messageId")), mention.Text("jobId"));
    }

    [Fact]
    public async Task A_group_message_posted_over_rest_that_mentions_the_assistant_answers_its_job()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync(fixture.Assistant);

        var sent = await alice.PostMessageAsync(chatId, "@assistant what now");

        Assert.Equal(["chatId", "clientMsgId", "messageId", "seq", "sentAt", "jobId"], Names(sent));
        Assert.Equal(JobIdOf(sent.Text("messageId")), sent.Text("jobId"));
    }

    [Fact]
    public async Task Posting_a_job_answers_202_with_the_job_and_its_message_and_a_repeat_answers_the_same()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var body = new { chatId, clientMsgId = "k1", content = "what is new" };

        using var first = await alice.PostAsync("jobs", body);
        var started = await Expect.StatusAsync(first, HttpStatusCode.Accepted);
        using var again = await alice.PostAsync("jobs", body);
        var repeated = await Expect.StatusAsync(again, HttpStatusCode.Accepted);

        Assert.Equal(["jobId", "status", "chatId", "seq", "messageId"], Names(started));
        Assert.Equal((JobIdOf(started.Text("messageId")), "created", chatId, 1L), (started.Text("jobId"), started.Text("status"), started.Text("chatId"), started.Number("seq")));
        Assert.Equal(started.ToString(), repeated.ToString());
    }

    [Fact]
    public async Task A_job_is_shown_to_a_member_with_every_field_and_its_stored_reply_once_complete()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var jobId = await StartJobAsync(alice, chatId, "tell me");

        var job = await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "completed");

        Assert.Equal(JobFields, Names(job));
        Assert.Equal(
            (jobId, chatId, 1L, 1L, StandInReplies.Provider, "You said: tell me", 2L, JsonValueKind.Null),
            (job.Text("jobId"), job.Text("chatId"), job.Number("seq"), job.Number("attempts"), job.Text("provider"), job.Text("partial"), job.Number("resultSeq"), job.GetProperty("error").ValueKind));
        Expect.IsoUtcMillis(job.Text("createdAt"));
        Expect.IsoUtcMillis(job.Text("updatedAt"));
        var reply = (await alice.GetMessagesAsync(chatId)).Items("messages")[1];
        Assert.Equal(("assistant", "You said: tell me", 2L), (reply.Text("senderId"), reply.Text("content"), reply.Number("seq")));
    }

    [Fact]
    public async Task A_job_answers_404_to_a_user_outside_its_chat_and_to_an_unknown_id()
    {
        var alice = Server.NewUser("alice");
        var bob = Server.NewUser("bob");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var jobId = await StartJobAsync(alice, chatId, "private question");

        using var asBob = await bob.GetAsync($"jobs/{jobId}");
        using var unknown = await alice.GetAsync("jobs/j00000000000000000000000000000000");
        using var cancelAsBob = await bob.DeleteAsync($"jobs/{jobId}");
        using var cancelUnknown = await alice.DeleteAsync("jobs/jnothing");

        await Expect.ProblemAsync(asBob, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(unknown, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(cancelAsBob, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(cancelUnknown, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Deleting_a_streaming_job_stores_the_text_so_far_as_its_reply_and_answers_the_cancelled_job()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var jobId = await StartJobAsync(alice, chatId, $"{StandInReplies.Hold} a long story");
        await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "streaming");

        using var response = await alice.DeleteAsync($"jobs/{jobId}");
        var job = await Expect.StatusAsync(response, HttpStatusCode.OK);
        using var again = await alice.DeleteAsync($"jobs/{jobId}");
        var unchanged = await Expect.StatusAsync(again, HttpStatusCode.OK);

        Assert.Equal(JobFields, Names(job));
        Assert.Equal(("cancelled", "Thinking", 2L), (job.Text("status"), job.Text("partial"), job.Number("resultSeq")));
        Assert.Equal(job.ToString(), unchanged.ToString());
        var messages = (await alice.GetMessagesAsync(chatId)).Items("messages");
        Assert.Equal([(alice.Id, 1L), ("assistant", 2L)], messages.Select(m => (m.Text("senderId"), m.Number("seq"))));
        Assert.Equal("Thinking", messages[1].Text("content"));
    }

    [Fact]
    public async Task Posting_a_job_to_a_chat_without_the_assistant_is_refused_and_stores_nothing()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync(Server.NewUser("bob"));

        using var response = await alice.PostAsync("jobs", new { chatId, clientMsgId = "k1", content = "anyone?" });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Empty((await alice.GetMessagesAsync(chatId)).Items("messages"));
    }

    [Fact]
    public async Task Posting_a_job_without_content_or_to_a_chat_of_others_is_answered_as_a_message_post_is()
    {
        var alice = Server.NewUser("alice");
        var carol = Server.NewUser("carol");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");

        using var noContent = await alice.PostAsync("jobs", new { chatId, clientMsgId = "k1" });
        using var notMember = await carol.PostAsync("jobs", new { chatId, clientMsgId = "k1", content = "let me in" });

        await Expect.ProblemAsync(noContent, HttpStatusCode.BadRequest, "bad_request");
        await Expect.ProblemAsync(notMember, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_ten_thousand_character_prompt_is_too_large_over_rest_and_over_the_socket_and_starts_nothing()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var prompt = new string('x', 10_000);

        using var posted = await alice.PostAsync("jobs", new { chatId, clientMsgId = "k1", content = prompt });
        await using var socket = await alice.ConnectAsync();
        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k2", content = prompt });
        var error = await socket.ReceiveAsync("error");

        await Expect.ProblemAsync(posted, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Equal(("too_large", "r1"), (error.Text("code"), error.Text("ref")));
        Assert.Empty((await alice.GetMessagesAsync(chatId)).Items("messages"));
    }

    [Fact]
    public async Task A_completed_job_is_counted_by_status_and_provider_with_its_first_chunk_time_and_characters()
    {
        var alice = Server.NewUser("alice");
        var chatId = (await alice.OpenDirectChatAsync(fixture.Assistant)).Text("chatId");
        var jobId = await StartJobAsync(alice, chatId, "count me");
        await AssistantServerFixture.JobWhenAsync(alice, jobId, j => j.Text("status") == "completed");

        using var response = await Server.GetAsync("/metrics");
        var lines = (await response.ReadTextAsync()).Split('\n');

        Assert.Contains(lines, l => l.StartsWith("chat_assistant_jobs_total{", StringComparison.Ordinal)
            && l.Contains("provider=\"stand-in\"", StringComparison.Ordinal) && l.Contains("status=\"completed\"", StringComparison.Ordinal));
        Assert.Contains("# TYPE chat_assistant_time_to_first_chunk_seconds histogram", lines);
        Assert.Contains("# TYPE chat_assistant_characters_out_total counter", lines);
    }

    private static async Task<string> StartJobAsync(ChatUser user, string chatId, string content)
    {
        using var response = await user.PostAsync("jobs", new { chatId, clientMsgId = Guid.NewGuid().ToString(), content });
        return (await Expect.StatusAsync(response, HttpStatusCode.Accepted)).Text("jobId");
    }

    internal static string JobIdOf(string messageId) => "j" + Guid.Parse(messageId).ToString("N");

    internal static string[] Names(JsonElement json) => [.. json.EnumerateObject().Select(p => p.Name)];
}
