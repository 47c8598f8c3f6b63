using OrleansChat.Grains.Assistant;

namespace OrleansChat.Grains.Tests;

/// <summary>The job grain (PROTOCOL.md 9): a reply streams, completes, retries, dead-letters, stops, resumes and expires.</summary>
[Collection(SharedAssistantCluster.Name)]
public sealed class AssistantJobTests(AssistantClusterFixture fixture) : AssistantTestBase(fixture)
{
    [Fact]
    public async Task A_reply_streams_its_chunks_and_is_stored_once_as_the_assistants_text_carrying_the_job()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var asked = await Send(chat.Room, chat.UserId, prompt);
        var jobId = asked.JobId!;

        script.Say(1, "Hello ");
        script.Say(1, "world");
        script.End(1);
        var posted = await chat.Gateway.WaitForChatEventsAsync<MessagePosted>(chat.Room.GetPrimaryKeyString(), 2);
        var job = await JobIn(jobId, AssistantJobStatus.Completed);

        // The room's one-way calls to a gateway may overtake each other (the gateway orders by seq): find it by seq.
        var reply = posted.Select(p => p.Message).Single(m => m.Seq == asked.Seq + 1);
        Assert.Equal((AssistantId, "Hello world", jobId, false, AssistantJobIds.ReplyClientMsgId(jobId)), (reply.SenderId, reply.Content, reply.JobId, reply.Stopped, reply.ClientMsgId));
        Assert.Equal((jobId, asked.Seq, 1, ScriptedReplies.Provider, "Hello world", (long?)reply.Seq, (string?)null), (job.JobId, job.Seq, job.Attempts, job.Provider, job.Partial, job.ResultSeq, job.Error));
        Assert.Equal([(1, 0, "Hello "), (1, 1, "world")], Assistant.Chunks.Of(jobId).Select(c => (c.Attempt, c.Index, c.Delta)));
        Assert.Equal(["Hello world"], (await Replies(chat)).Select(m => m.Content));
    }

    [Fact]
    public async Task A_reply_longer_than_the_output_limit_is_cut_at_the_limit()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;

        script.Say(1, "0123456789abcde");
        script.Say(1, "fghijklmnopqrstuvwxyz");
        var job = await JobIn(jobId, AssistantJobStatus.Completed);

        Assert.Equal("0123456789abcdefghij", job.Partial);
        Assert.Equal(["0123456789abcdefghij"], (await Replies(chat)).Select(m => m.Content));
        Assert.Equal(["0123456789abcde", "fghij"], Assistant.Chunks.Of(jobId).Select(c => c.Delta));
    }

    [Fact]
    public async Task A_failed_attempt_waits_its_backoff_then_a_new_attempt_starts_the_reply_again()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;

        script.Say(1, "Half a rep");
        script.Fail(1, new AssistantProviderException("unavailable", "The provider went away."));
        var failed = await JobWhen(jobId, j => j.Error == "unavailable");
        Assert.Equal((AssistantJobStatus.Processing, 1), (failed.Status, failed.Attempts));

        // Jitter keeps the first backoff within 0.8 to 1.2 times the initial one: half of it is too early.
        Assistant.Clock.Advance(AssistantClusterFixture.InitialBackoff / 2);
        Assert.Equal((AssistantJobStatus.Processing, 1), ((await Job(jobId).GetJob())!.Status, (await Job(jobId).GetJob())!.Attempts));
        Assert.False(script.HasStarted(2));

        Assistant.Clock.Advance(AssistantClusterFixture.MaxBackoff);
        await script.Started(2);
        script.Say(2, "A whole reply");
        script.End(2);
        var job = await JobIn(jobId, AssistantJobStatus.Completed);

        Assert.Equal((2, "A whole reply", (string?)null), (job.Attempts, job.Partial, job.Error));
        Assert.Equal(["A whole reply"], (await Replies(chat)).Select(m => m.Content));
        Assert.Equal([(1, 0), (2, 0)], Assistant.Chunks.Of(jobId).Select(c => (c.Attempt, c.Index)));
    }

    [Fact]
    public async Task A_job_whose_every_attempt_fails_is_dead_lettered_with_its_error_and_stores_nothing()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;

        for (var attempt = 1; attempt <= AssistantClusterFixture.MaxAttempts; attempt++)
        {
            await script.Started(attempt);
            script.Fail(attempt, new AssistantProviderException("rate_limited", "Too many requests.", TimeSpan.FromSeconds(1)));
            if (attempt < AssistantClusterFixture.MaxAttempts)
            {
                var waiting = attempt;
                await JobWhen(jobId, j => j.Attempts == waiting && j.Error is not null);
                Assistant.Clock.Advance(AssistantClusterFixture.MaxBackoff);
            }
        }

        var job = await JobIn(jobId, AssistantJobStatus.DeadLettered);

        Assert.Equal((AssistantClusterFixture.MaxAttempts, "rate_limited", (long?)null), (job.Attempts, job.Error, job.ResultSeq));
        Assert.Empty(await Replies(chat));
        Assert.False(script.HasStarted(AssistantClusterFixture.MaxAttempts + 1));
    }

    [Fact]
    public async Task Cancelling_mid_stream_stores_the_text_so_far_as_a_stopped_reply()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var asked = await Send(chat.Room, chat.UserId, prompt);
        var jobId = asked.JobId!;

        script.Say(1, "Once upon ");
        script.Say(1, "a time");
        await Assistant.Chunks.WaitForAsync(jobId, 2);
        var job = await Job(jobId).Cancel(chat.UserId);
        var posted = await chat.Gateway.WaitForChatEventsAsync<MessagePosted>(chat.Room.GetPrimaryKeyString(), 2);

        var reply = posted.Select(p => p.Message).Single(m => m.Seq == asked.Seq + 1);
        Assert.Equal((AssistantId, "Once upon a time", jobId, true), (reply.SenderId, reply.Content, reply.JobId, reply.Stopped));
        Assert.Equal((AssistantJobStatus.Cancelled, (long?)reply.Seq), (job!.Status, job.ResultSeq));
        Assert.Equal(["Once upon a time"], (await Replies(chat)).Select(m => m.Content));
    }

    [Fact]
    public async Task Cancelling_twice_changes_nothing_the_second_time()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;
        script.Say(1, "Some");
        await Assistant.Chunks.WaitForAsync(jobId, 1);

        var first = await Job(jobId).Cancel(chat.UserId);
        var second = await Job(jobId).Cancel(chat.UserId);

        Assert.Equal(first, second);
        Assert.Equal(["Some"], (await Replies(chat)).Select(m => m.Content));
    }

    [Fact]
    public async Task Cancelling_before_anything_was_written_stores_nothing()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;
        await script.Started(1);

        var job = await Job(jobId).Cancel(chat.UserId);

        Assert.Equal((AssistantJobStatus.Cancelled, (long?)null, ""), (job!.Status, job.ResultSeq, job.Partial));
        Assert.Empty(await Replies(chat));
    }

    [Fact]
    public async Task Cancelling_a_completed_job_changes_nothing()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;
        script.Say(1, "Done");
        script.End(1);
        var completed = await JobIn(jobId, AssistantJobStatus.Completed);

        Assert.Equal(completed, await Job(jobId).Cancel(chat.UserId));
        Assert.Equal(["Done"], (await Replies(chat)).Select(m => m.Content));
    }

    [Fact]
    public async Task A_job_over_the_users_jobs_per_minute_fails_as_rate_limited_while_its_message_is_stored()
    {
        var chat = await DirectChatWithAssistant();
        var results = new List<SendResult>();
        for (var i = 0; i <= AssistantClusterFixture.JobsPerMinute; i++)
        {
            results.Add(await Send(chat.Room, chat.UserId, NewPrompt().Prompt));
        }

        var over = await Job(results[^1].JobId!).GetJob();
        var within = await Job(results[0].JobId!).GetJob();

        Assert.Equal((AssistantJobStatus.Failed, "rate_limited", 0), (over!.Status, over.Error, over.Attempts));
        Assert.NotEqual(AssistantJobStatus.Failed, within!.Status);
        Assert.Equal(results.Select(r => r.Seq), (await AllMessages(chat.Room, chat.UserId)).Select(m => m.Seq));
    }

    [Fact]
    public async Task A_reply_to_a_group_the_assistant_was_removed_from_fails_as_forbidden_and_stores_nothing()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId, AssistantId);
        var (prompt, script) = NewPrompt("@assistant tell me");
        var jobId = (await Send(room, ownerId, prompt)).JobId!;
        script.Say(1, "Sure");
        await Assistant.Chunks.WaitForAsync(jobId, 1);

        await room.RemoveMember(ownerId, AssistantId);
        script.End(1);
        var job = await JobIn(jobId, AssistantJobStatus.Failed);

        Assert.Equal(("forbidden", (long?)null), (job.Error, job.ResultSeq));
        Assert.Equal([ownerId], (await AllMessages(room, ownerId)).Select(m => m.SenderId));
    }

    [Fact]
    public async Task A_job_resumed_after_its_activation_was_lost_mid_stream_starts_a_new_attempt_and_stores_the_reply_once()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;
        script.Say(1, "Interrupt");
        await Assistant.Chunks.WaitForAsync(jobId, 1);

        // As a silo crash would: the activation goes mid-reply, and the job's reminder brings it back.
        await Job(jobId).AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle(TestContext.Current.CancellationToken);
        await Job(jobId).AsReference<IRemindable>().ReceiveReminder(AssistantJobGrain.ResumeReminder, default, TestContext.Current.CancellationToken);
        await script.Started(2);
        script.Say(2, "Resumed");
        script.End(2);
        var job = await JobIn(jobId, AssistantJobStatus.Completed);
        await Job(jobId).AsReference<IRemindable>().ReceiveReminder(AssistantJobGrain.ResumeReminder, default, TestContext.Current.CancellationToken);

        Assert.Equal((2, "Resumed"), (job.Attempts, job.Partial));
        Assert.Equal(["Resumed"], (await Replies(chat)).Select(m => m.Content));
        Assert.Equal(job, await Job(jobId).GetJob());
    }

    [Fact]
    public async Task A_finished_job_is_removed_once_its_retention_has_passed()
    {
        var chat = await DirectChatWithAssistant();
        var (prompt, script) = NewPrompt();
        var jobId = (await Send(chat.Room, chat.UserId, prompt)).JobId!;
        script.Say(1, "Kept a while");
        script.End(1);
        var job = await JobIn(jobId, AssistantJobStatus.Completed);

        await Job(jobId).AsReference<IRemindable>().ReceiveReminder(AssistantJobGrain.RetentionReminder, default, TestContext.Current.CancellationToken);
        Assert.Equal(job, await Job(jobId).GetJob());

        Assistant.Clock.Advance(AssistantClusterFixture.JobRetention);
        await Job(jobId).AsReference<IRemindable>().ReceiveReminder(AssistantJobGrain.RetentionReminder, default, TestContext.Current.CancellationToken);

        Assert.Null(await Job(jobId).GetJob());
        Assert.Null(await Job(jobId).Cancel(chat.UserId));
        Assert.Equal(["Kept a while"], (await Replies(chat)).Select(m => m.Content));
    }
}
