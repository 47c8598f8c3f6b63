namespace OrleansChat.Persistence.Tests;

/// <summary>Unread counts (PROTOCOL.md 6.5): a member's unread texts and mentions over many chats in one call.</summary>
public abstract partial class MessageStoreConformanceTests
{
    [Fact]
    public async Task Unread_counts_are_the_texts_of_others_above_the_read_seq_and_leave_out_the_readers_own()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", senderId: "alice"),
            Message("c2", senderId: "bob"),
            Message("c3", senderId: "alice"),
            Message("c4", senderId: "carol"),
            Message("c5", senderId: "bob"));

        Assert.Equal([new UnreadCount(chat, 3, 0)], await CountUnread("bob", (chat, 0)));
        Assert.Equal([new UnreadCount(chat, 3, 0)], await CountUnread("dave", (chat, 2)));
    }

    [Fact]
    public async Task A_text_at_exactly_the_read_seq_is_read_and_the_one_after_it_is_not()
    {
        var chat = await ChatWithMessages(4);

        Assert.Equal([new UnreadCount(chat, 1, 0)], await CountUnread("bob", (chat, 3)));
        Assert.Empty(await CountUnread("bob", (chat, 4)));
    }

    [Fact]
    public async Task Edits_reactions_and_deletes_are_not_unread_texts_and_a_deleted_text_is_no_longer_counted()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", senderId: "alice", content: "keep"), Message("c2", senderId: "alice", content: "drop @bob") with { Mentions = ["bob"] });

        await Append(
            chat,
            2,
            Change("c3", MessageKind.Edit, target: 1, content: "kept", senderId: "alice"),
            Change("c4", MessageKind.Reaction, target: 1, content: "👍", senderId: "carol"),
            Change("c5", MessageKind.Delete, target: 2, content: "", senderId: "alice"));

        Assert.Equal([new UnreadCount(chat, 1, 0)], await CountUnread("bob", (chat, 0)));
        Assert.Empty(await CountUnread("bob", (chat, 1)));
    }

    [Fact]
    public async Task Mentions_count_the_unread_texts_that_mention_the_reader_as_of_their_latest_edit()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", senderId: "alice", content: "@bob hi") with { Mentions = ["bob"] },
            Message("c2", senderId: "alice", content: "@carol @bob") with { Mentions = ["carol", "bob"] },
            Message("c3", senderId: "alice", content: "hi all"),
            Message("c4", senderId: "alice", content: "@carol") with { Mentions = ["carol"] });

        await Append(
            chat,
            4,
            Change("c5", MessageKind.Edit, target: 1, content: "hi", senderId: "alice"),
            Change("c6", MessageKind.Edit, target: 3, content: "hi @bob", senderId: "alice") with { Mentions = ["bob"] });

        Assert.Equal([new UnreadCount(chat, 4, 2)], await CountUnread("bob", (chat, 0)));
        Assert.Equal([new UnreadCount(chat, 4, 2)], await CountUnread("carol", (chat, 0)));
        Assert.Equal([new UnreadCount(chat, 2, 1)], await CountUnread("bob", (chat, 2)));
    }

    [Fact]
    public async Task A_user_id_that_is_the_start_of_another_counts_neither_the_others_mentions_nor_spares_the_others_texts()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", senderId: "bobby", content: "@bobby2 @bo") with { Mentions = ["bobby2", "bo"] },
            Message("c2", senderId: "alice", content: "@bob") with { Mentions = ["bob"] });

        Assert.Equal([new UnreadCount(chat, 2, 1)], await CountUnread("bob", (chat, 0)));
        Assert.Equal([new UnreadCount(chat, 1, 0)], await CountUnread("bobby", (chat, 0)));
    }

    [Fact]
    public async Task One_call_counts_each_chat_after_its_own_read_seq_and_leaves_out_those_with_nothing_unread()
    {
        var (busy, quiet, read, unknown) = (await ChatWithMessages(5), await ChatWithMessages(2), await ChatWithMessages(3), NewChatId());
        var own = NewChatId();
        await Append(own, 0, Message("c1", senderId: "bob"));

        var counts = await CountUnread("bob", (busy, 1), (quiet, 1), (read, 3), (unknown, 0), (own, 0));

        Assert.Equal([new UnreadCount(busy, 4, 0), new UnreadCount(quiet, 1, 0)], counts.OrderByDescending(c => c.Unread));
        Assert.Empty(await Store.CountUnreadAsync("bob", [], Ct));
    }

    [Fact]
    public async Task Counting_a_chat_given_twice_is_refused()
    {
        var chat = await ChatWithMessages(1);

        await Assert.ThrowsAsync<ArgumentException>(() => CountUnread("bob", (chat, 0), (chat, 0)));
    }

    private async Task<IReadOnlyList<UnreadCount>> CountUnread(string userId, params (string ChatId, long ReadSeq)[] chats) =>
        await Store.CountUnreadAsync(userId, [.. chats.Select(c => new ReadPosition(c.ChatId, c.ReadSeq))], Ct);
}
