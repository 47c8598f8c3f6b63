namespace OrleansChat.Persistence.Tests;

/// <summary>Assistant replies (PROTOCOL.md 9): a reply's job id and stopped flag are part of the row wherever it is read.</summary>
public abstract partial class MessageStoreConformanceTests
{
    [Fact]
    public async Task A_replys_job_id_and_stopped_flag_come_back_from_the_append_every_read_and_search_and_a_plain_text_has_neither()
    {
        var chat = NewChatId();
        var question = Message("c1", senderId: "alice", content: "@assistant weather harbour") with { Mentions = ["assistant"] };
        var finished = Message("job-1-reply", senderId: "assistant", content: "sunny harbour") with { JobId = "job-1" };
        var stopped = Message("job-2-reply", senderId: "assistant", content: "the harbour is") with { JobId = "job-2", Stopped = true };
        var plain = Message("c2", senderId: "bob", content: "thanks harbour");

        var outcomes = await Append(chat, 0, question, finished, stopped, plain);
        var repeated = await Append(chat, 4, finished, stopped);

        IReadOnlyList<(long Seq, string? JobId, bool Stopped)> expected = [(1, null, false), (2, "job-1", false), (3, "job-2", true), (4, null, false)];
        Assert.Equal(expected, outcomes.Select(o => (o.Message.Seq, o.Message.JobId, o.Message.Stopped)));
        Assert.Equal(expected.Skip(1).Take(2), repeated.Select(o => (o.Message.Seq, o.Message.JobId, o.Message.Stopped)));
        Assert.All(repeated, o => Assert.True(o.IsDuplicate));
        Assert.Equal(outcomes.Select(o => o.Message), await ReadAll(chat));
        Assert.Equal(expected.Skip(2), (await Store.ReadAsync(chat, MessageRange.After(2, 10), Ct)).Messages.Select(m => (m.Seq, m.JobId, m.Stopped)));
        Assert.Equal(expected.Take(3), (await Store.ReadAsync(chat, MessageRange.Before(4, 10), Ct)).Messages.Select(m => (m.Seq, m.JobId, m.Stopped)));
        Assert.Equal(outcomes[3].Message, await Store.GetLastAsync(chat, Ct));
        Assert.Equal(outcomes[2].Message, await Store.FindByClientMsgIdAsync(chat, "assistant", "job-2-reply", Ct));
        Assert.Equal(
            expected.Reverse(),
            (await Search.SearchAsync(new SearchQuery([chat], "harbour", 10), Ct)).Results.OrderByDescending(m => m.Seq).Select(m => (m.Seq, m.JobId, m.Stopped)));
    }

    [Fact]
    public async Task A_reply_alone_in_its_call_keeps_its_job_id_and_a_later_plain_text_in_the_chat_has_none()
    {
        var chat = NewChatId();

        await Append(chat, 0, Message("job-1-reply", senderId: "assistant", content: "partial") with { JobId = "job-1", Stopped = true });
        await Append(chat, 1, Message("c1"));

        IReadOnlyList<(string? JobId, bool Stopped)> expected = [("job-1", true), (null, false)];
        Assert.Equal(expected, (await ReadAll(chat)).Select(m => (m.JobId, m.Stopped)));
    }
}
