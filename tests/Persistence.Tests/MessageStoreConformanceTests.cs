namespace OrleansChat.Persistence.Tests;

/// <summary>
/// The behaviour every <see cref="IMessageStore"/> and <see cref="IPushOutbox"/> must have. A store runs it
/// by subclassing and implementing <see cref="CreateStoreAsync"/>. Tests use fresh chat ids and look only at
/// their own chat's outbox rows, so one database may serve every test; they assume the tests of one class
/// run one at a time (xunit's default), since claiming is global.
/// </summary>
public abstract partial class MessageStoreConformanceTests : IAsyncLifetime
{
    /// <summary>A time with millisecond precision, as stores keep it.</summary>
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);

    private const int All = 1_000_000;

    private StoreUnderTest? _subject;

    protected IMessageStore Store => _subject?.Messages ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected IPushOutbox Outbox => _subject?.Outbox ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates the store under test; called before each test and disposed after it.</summary>
    protected abstract ValueTask<StoreUnderTest> CreateStoreAsync();

    /// <summary>
    /// Creates another store over the same database whose writer runs <paramref name="beforeTransactionAsync"/> (with
    /// the number of calls merged) before each transaction; the test disposes it.
    /// </summary>
    protected abstract ValueTask<StoreUnderTest> CreateGatedStoreAsync(Func<int, Task> beforeTransactionAsync);

    /// <summary>The chat's rows of <c>messages</c> as the database holds them, read with SQL past the store, by seq.</summary>
    protected abstract ValueTask<IReadOnlyList<RawMessageRow>> ReadRawRowsAsync(string chatId);

    /// <summary>How many rows of <c>message_reactions</c> the chat has, read with SQL past the store.</summary>
    protected abstract ValueTask<long> CountRawReactionsAsync(string chatId);

    /// <summary>
    /// How many rows of the chat, in <c>messages</c> (content or mentions) and <c>push_outbox</c> (preview), hold
    /// <paramref name="text"/>, read with SQL past the store.
    /// </summary>
    protected abstract ValueTask<long> CountRowsHoldingAsync(string chatId, string text);

    /// <summary>Creates a store of the same kind over a database it cannot reach; the test disposes it.</summary>
    protected abstract ValueTask<StoreUnderTest> CreateUnreachableStoreAsync();

    public async ValueTask InitializeAsync() => _subject = await CreateStoreAsync();

    public async ValueTask DisposeAsync()
    {
        if (_subject is not null)
        {
            await _subject.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    // ---- appending and reading -------------------------------------------------------------------

    [Fact]
    public async Task Appending_to_a_new_chat_assigns_seqs_from_one_in_list_order()
    {
        var chat = NewChatId();

        var outcomes = await Append(chat, 0, Message("c1", content: "one"), Message("c2", content: "two"), Message("c3", content: "three"));

        Assert.Equal([1L, 2L, 3L], outcomes.Select(o => o.Message.Seq));
        Assert.Equal(["one", "two", "three"], outcomes.Select(o => o.Message.Content));
        Assert.All(outcomes, o => Assert.False(o.IsDuplicate));
    }

    [Fact]
    public async Task Appending_continues_after_the_given_last_seq()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"), Message("c2"));

        var outcomes = await Append(chat, 2, Message("c3"));

        Assert.Equal(3, Assert.Single(outcomes).Message.Seq);
    }

    [Fact]
    public async Task A_stored_message_reads_back_exactly_as_it_was_appended()
    {
        var chat = NewChatId();
        var message = Message("c1", senderId: "alice", content: "héllo 👋 wörld", sentAt: T0);

        var outcome = Assert.Single(await Append(chat, 0, message));
        var page = await Store.ReadAsync(chat, MessageRange.After(0, 10), Ct);

        var expected = new StoredMessage(chat, 1, message.MessageId, "alice", "c1", "héllo 👋 wörld", T0);
        Assert.Equal(expected, outcome.Message);
        Assert.Equal([expected], page.Messages);
    }

    [Fact]
    public async Task Reading_after_a_seq_returns_the_oldest_of_the_range_and_says_newer_ones_remain()
    {
        var chat = await ChatWithMessages(5);

        var page = await Store.ReadAsync(chat, MessageRange.After(1, 2), Ct);

        Assert.Equal([2L, 3L], page.Messages.Select(m => m.Seq));
        Assert.True(page.HasMore);
    }

    [Fact]
    public async Task Reading_after_a_seq_up_to_the_newest_says_no_newer_ones_remain()
    {
        var chat = await ChatWithMessages(5);

        var page = await Store.ReadAsync(chat, MessageRange.After(3, 2), Ct);

        Assert.Equal([4L, 5L], page.Messages.Select(m => m.Seq));
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Reading_before_a_seq_returns_the_newest_of_the_range_in_ascending_order_and_says_older_ones_remain()
    {
        var chat = await ChatWithMessages(5);

        var page = await Store.ReadAsync(chat, MessageRange.Before(5, 2), Ct);

        Assert.Equal([3L, 4L], page.Messages.Select(m => m.Seq));
        Assert.True(page.HasMore);
    }

    [Fact]
    public async Task Reading_before_a_seq_down_to_the_oldest_says_no_older_ones_remain()
    {
        var chat = await ChatWithMessages(5);

        var page = await Store.ReadAsync(chat, MessageRange.Before(3, 2), Ct);

        Assert.Equal([1L, 2L], page.Messages.Select(m => m.Seq));
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Reading_the_newest_messages_of_a_chat_returns_them_in_ascending_order()
    {
        var chat = await ChatWithMessages(5);

        var page = await Store.ReadAsync(chat, MessageRange.Before(long.MaxValue, 3), Ct);

        Assert.Equal([3L, 4L, 5L], page.Messages.Select(m => m.Seq));
        Assert.True(page.HasMore);
    }

    [Fact]
    public async Task Reading_a_range_excludes_both_of_its_bounds()
    {
        var chat = await ChatWithMessages(6);

        var oldest = await Store.ReadAsync(chat, new MessageRange(1, 5, 10, FromNewest: false), Ct);
        var newest = await Store.ReadAsync(chat, new MessageRange(1, 5, 2, FromNewest: true), Ct);

        Assert.Equal([2L, 3L, 4L], oldest.Messages.Select(m => m.Seq));
        Assert.False(oldest.HasMore);
        Assert.Equal([3L, 4L], newest.Messages.Select(m => m.Seq));
        Assert.True(newest.HasMore);
    }

    [Fact]
    public async Task Reading_a_chat_without_messages_returns_an_empty_page()
    {
        var page = await Store.ReadAsync(NewChatId(), MessageRange.After(0, 10), Ct);

        Assert.Empty(page.Messages);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Reading_a_chat_never_returns_another_chats_messages()
    {
        var chat = NewChatId();
        var other = NewChatId();
        await Append(chat, 0, Message("c1", content: "mine"));
        await Append(other, 0, Message("c1", content: "theirs"), Message("c2", content: "theirs too"));

        var page = await Store.ReadAsync(chat, MessageRange.After(0, 10), Ct);

        Assert.Equal(["mine"], page.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task Appending_no_messages_returns_no_outcomes()
    {
        var outcomes = await Store.AppendAsync(new ChatAppend(NewChatId(), 0, []), Ct);

        Assert.Empty(outcomes);
    }

    // ---- idempotency -----------------------------------------------------------------------------

    [Fact]
    public async Task Appending_a_duplicate_client_message_id_returns_the_first_message()
    {
        var chat = NewChatId();
        var first = Assert.Single(await Append(chat, 0, Message("c1", content: "first"))).Message;

        var again = Assert.Single(await Append(chat, 1, Message("c1", content: "second", sentAt: T0.AddMinutes(1))));

        Assert.True(again.IsDuplicate);
        Assert.Equal(first, again.Message);
        Assert.Equal(1, (await Store.GetLastAsync(chat, Ct))?.Seq ?? 0);
    }

    [Fact]
    public async Task A_duplicate_consumes_no_seq()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"));

        var outcomes = await Append(chat, 1, Message("c1"), Message("c2"));

        Assert.Equal([(1L, true), (2L, false)], outcomes.Select(o => (o.Message.Seq, o.IsDuplicate)));
    }

    [Fact]
    public async Task Appending_the_same_client_message_id_twice_in_one_call_stores_it_once()
    {
        var chat = NewChatId();
        var original = Message("c1", content: "a");

        var outcomes = await Append(chat, 0, original, Message("c1", content: "b"), Message("c2", content: "c"));

        Assert.Equal([(1L, false), (1L, true), (2L, false)], outcomes.Select(o => (o.Message.Seq, o.IsDuplicate)));
        Assert.Equal(outcomes[0].Message, outcomes[1].Message);
        Assert.Equal(original.MessageId, outcomes[1].Message.MessageId);
        Assert.Equal(["a", "c"], (await Store.ReadAsync(chat, MessageRange.After(0, 10), Ct)).Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task The_same_client_message_id_from_another_sender_is_another_message()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", senderId: "alice"));

        var outcome = Assert.Single(await Append(chat, 1, Message("c1", senderId: "bob")));

        Assert.False(outcome.IsDuplicate);
        Assert.Equal(2, outcome.Message.Seq);
    }

    [Fact]
    public async Task The_same_client_message_id_in_another_chat_is_another_message()
    {
        var chat = NewChatId();
        var other = NewChatId();
        await Append(chat, 0, Message("c1"));

        var outcome = Assert.Single(await Append(other, 0, Message("c1")));

        Assert.False(outcome.IsDuplicate);
        Assert.Equal(other, outcome.Message.ChatId);
    }

    [Fact]
    public async Task A_duplicate_writes_no_push_outbox_rows()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", targets: [new("bob", "phone")]));

        await Append(chat, 1, Message("c1", targets: [new("bob", "phone"), new("carol", "tablet")]));

        Assert.Single(await OutboxRowsOf(chat));
    }

    // ---- batching and conflicts ------------------------------------------------------------------

    [Fact]
    public async Task Concurrent_appends_to_many_chats_all_commit_with_their_own_seqs()
    {
        var chats = Enumerable.Range(0, 50).Select(_ => NewChatId()).ToArray();

        var results = await Task.WhenAll(chats.Select(chat => Append(
            chat, 0, Message("c1", content: $"{chat} 1", targets: [new("bob", "phone")]), Message("c2", content: $"{chat} 2"))));

        for (var i = 0; i < chats.Length; i++)
        {
            Assert.Equal([(chats[i], 1L), (chats[i], 2L)], results[i].Select(o => (o.Message.ChatId, o.Message.Seq)));
            Assert.Equal(2, (await Store.GetLastAsync(chats[i], Ct))?.Seq ?? 0);
            Assert.Equal([$"{chats[i]} 1", $"{chats[i]} 2"], (await Store.ReadAsync(chats[i], MessageRange.After(0, 10), Ct)).Messages.Select(m => m.Content));
            Assert.Single(await OutboxRowsOf(chats[i]));
        }
    }

    [Fact]
    public async Task Appending_with_a_stale_last_seq_fails_and_stores_nothing()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"), Message("c2"));

        await Assert.ThrowsAnyAsync<Exception>(() => Append(chat, 1, Message("c3", targets: [new("bob", "phone")])));

        Assert.Equal(2, (await Store.GetLastAsync(chat, Ct))?.Seq ?? 0);
        Assert.Null(await StoredMessages.FindAsync(Store, chat, "alice", "c3", Ct));
        Assert.Empty(await OutboxRowsOf(chat));
    }

    [Fact]
    public async Task A_seq_collision_late_in_a_call_undoes_the_messages_before_it()
    {
        var chat = NewChatId();
        await Append(chat, 2, Message("c3", targets: [new("bob", "phone")]));

        await Assert.ThrowsAnyAsync<Exception>(() => Append(
            chat, 1, Message("c2", targets: [new("bob", "phone")]), Message("c4", targets: [new("bob", "phone")])));

        Assert.Equal([3L], (await Store.ReadAsync(chat, MessageRange.After(0, 10), Ct)).Messages.Select(m => m.Seq));
        Assert.Null(await StoredMessages.FindAsync(Store, chat, "alice", "c2", Ct));
        Assert.Equal([3L], (await OutboxRowsOf(chat)).Select(r => r.Seq));
    }

    // ---- lookups ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_chat_without_messages_has_no_last_message()
    {
        Assert.Null(await Store.GetLastAsync(NewChatId(), Ct));
    }

    [Fact]
    public async Task The_last_message_is_the_one_with_the_highest_stored_seq()
    {
        var chat = await ChatWithMessages(3);
        var late = Message("late");
        await Append(chat, 3, late);

        var last = await Store.GetLastAsync(chat, Ct);

        Assert.NotNull(last);
        Assert.Equal((4L, late.MessageId, "late"), (last.Seq, last.MessageId, last.ClientMsgId));
    }

    [Fact]
    public async Task The_health_check_passes_when_the_store_is_reachable()
    {
        await Store.CheckHealthAsync(Ct);
    }

    [Fact]
    public async Task The_health_check_fails_with_StoreUnavailableException_when_the_database_cannot_be_reached()
    {
        await using var unreachable = await CreateUnreachableStoreAsync();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => unreachable.Messages.CheckHealthAsync(Ct));

        Assert.NotNull(error.InnerException);
    }

    // ---- push outbox: writing --------------------------------------------------------------------

    [Fact]
    public async Task Appending_writes_one_push_outbox_row_per_target_with_its_message()
    {
        var chat = NewChatId();
        var first = Message("c1", senderId: "alice", content: "hi", sentAt: T0, targets: [new("bob", "phone"), new("bob", "tablet")]);
        var second = Message("c2", senderId: "alice", content: "there", sentAt: T0.AddSeconds(1), targets: [new("carol", "phone")]);

        await Append(chat, 0, first, second);

        var rows = await OutboxRowsOf(chat);
        Assert.Equal(
            [
                ("bob", "phone", chat, 1L, first.MessageId, "alice", "hi", T0, 0, T0, (string?)null, (DateTimeOffset?)null),
                ("bob", "tablet", chat, 1L, first.MessageId, "alice", "hi", T0, 0, T0, null, null),
                ("carol", "phone", chat, 2L, second.MessageId, "alice", "there", T0.AddSeconds(1), 0, T0.AddSeconds(1), null, null),
            ],
            rows.Select(r => (r.RecipientId, r.DeviceId, r.ChatId, r.Seq, r.MessageId, r.SenderId, r.Preview, r.CreatedAt, r.Attempts, r.NextAttemptAt, r.LastError, r.DeadLetteredAt)));
        Assert.True(rows[0].Id < rows[1].Id && rows[1].Id < rows[2].Id);
    }

    [Fact]
    public async Task A_message_without_push_targets_writes_no_outbox_rows()
    {
        var chat = NewChatId();

        await Append(chat, 0, Message("c1"));

        Assert.Empty(await OutboxRowsOf(chat));
    }

    [Fact]
    public async Task The_push_preview_is_the_content_cut_to_100_characters()
    {
        var chat = NewChatId();
        var exactly100 = new string('a', 100);
        var longer = string.Concat(Enumerable.Repeat("0123456789", 15));

        await Append(chat, 0, Message("c1", content: exactly100, targets: [new("bob", "phone")]), Message("c2", content: longer, targets: [new("bob", "phone")]));

        Assert.Equal([exactly100, longer[..100]], (await OutboxRowsOf(chat)).Select(r => r.Preview));
    }

    [Fact]
    public async Task The_push_preview_does_not_split_a_surrogate_pair()
    {
        var chat = NewChatId();
        var content = new string('a', 99) + "😀 and more";

        await Append(chat, 0, Message("c1", content: content, targets: [new("bob", "phone")]));

        Assert.Equal(new string('a', 99), Assert.Single(await OutboxRowsOf(chat)).Preview);
    }

    // ---- push outbox: claiming -------------------------------------------------------------------

    [Fact]
    public async Task Claiming_returns_the_due_rows_oldest_first()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone"), new("carol", "phone")]));

        var claimed = await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1));

        Assert.Equal([("bob", 0), ("carol", 0)], claimed.Select(r => (r.RecipientId, r.Attempts)));
        Assert.True(claimed[0].Id < claimed[1].Id);
    }

    [Fact]
    public async Task A_row_is_not_claimed_before_it_is_due()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));

        Assert.Empty(await ClaimOwn(chat, now: T0.AddMilliseconds(-1), claimUntil: T0.AddMinutes(1)));
    }

    [Fact]
    public async Task A_claimed_row_is_not_claimed_again_while_the_claim_lasts()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));
        await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1));

        Assert.Empty(await ClaimOwn(chat, now: T0.AddSeconds(59), claimUntil: T0.AddMinutes(2)));
    }

    [Fact]
    public async Task An_expired_claim_makes_the_row_claimable_again()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));
        var first = Assert.Single(await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1)));

        var again = Assert.Single(await ClaimOwn(chat, now: T0.AddMinutes(1), claimUntil: T0.AddMinutes(2)));

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Claiming_takes_at_most_the_requested_number_of_rows_oldest_first()
    {
        // Rows other tests left due are claimed out of the way first, so the limit applies to this chat's rows.
        await Outbox.ClaimAsync(All, T0, T0.AddDays(1), Ct);
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("a", "1"), new("b", "1"), new("c", "1")]));

        var firstTwo = await Outbox.ClaimAsync(2, T0, T0.AddMinutes(1), Ct);
        var rest = await Outbox.ClaimAsync(2, T0, T0.AddMinutes(1), Ct);

        Assert.Equal([("a", chat), ("b", chat)], firstTwo.Select(r => (r.RecipientId, r.ChatId)));
        Assert.Equal([("c", chat)], rest.Select(r => (r.RecipientId, r.ChatId)));
    }

    [Fact]
    public async Task Completing_a_row_removes_it()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone"), new("carol", "phone")]));
        var claimed = await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1));

        await Outbox.CompleteAsync(claimed[0].Id, Ct);

        Assert.Equal(["carol"], (await OutboxRowsOf(chat)).Select(r => r.RecipientId));
        Assert.Equal(["carol"], (await ClaimOwn(chat, now: T0.AddMinutes(1), claimUntil: T0.AddMinutes(2))).Select(r => r.RecipientId));
    }

    [Fact]
    public async Task Retrying_a_row_counts_the_attempt_records_the_reason_and_makes_it_due_at_the_next_attempt_time()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));
        var claimed = Assert.Single(await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1)));

        await Outbox.RetryAsync(claimed.Id, "provider timed out", T0.AddSeconds(10), Ct);

        var row = Assert.Single(await OutboxRowsOf(chat));
        Assert.Equal((1, "provider timed out", T0.AddSeconds(10), (DateTimeOffset?)null), (row.Attempts, row.LastError, row.NextAttemptAt, row.DeadLetteredAt));
        Assert.Empty(await ClaimOwn(chat, now: T0.AddSeconds(9), claimUntil: T0.AddMinutes(1)));
        Assert.Equal(row, Assert.Single(await ClaimOwn(chat, now: T0.AddSeconds(10), claimUntil: T0.AddMinutes(1))));
    }

    [Fact]
    public async Task Every_retry_counts_one_attempt()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));
        var id = Assert.Single(await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1))).Id;

        await Outbox.RetryAsync(id, "first", T0.AddSeconds(1), Ct);
        await ClaimOwn(chat, now: T0.AddSeconds(1), claimUntil: T0.AddMinutes(1));
        await Outbox.RetryAsync(id, "second", T0.AddSeconds(2), Ct);

        var row = Assert.Single(await OutboxRowsOf(chat));
        Assert.Equal((2, "second"), (row.Attempts, row.LastError));
    }

    [Fact]
    public async Task A_dead_lettered_row_stays_listed_and_is_never_claimed_again()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("bob", "phone")]));
        var claimed = Assert.Single(await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1)));

        await Outbox.DeadLetterAsync(claimed.Id, "device unregistered", T0.AddSeconds(5), Ct);

        var row = Assert.Single(await OutboxRowsOf(chat));
        Assert.Equal((1, "device unregistered", (DateTimeOffset?)T0.AddSeconds(5)), (row.Attempts, row.LastError, row.DeadLetteredAt));
        Assert.Empty(await ClaimOwn(chat, now: T0.AddYears(1), claimUntil: T0.AddYears(1).AddMinutes(1)));
    }

    [Fact]
    public async Task Listing_the_outbox_returns_pending_and_dead_lettered_rows_oldest_first()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", sentAt: T0, targets: [new("a", "1"), new("b", "1"), new("c", "1")]));
        var claimed = await ClaimOwn(chat, now: T0, claimUntil: T0.AddMinutes(1));
        await Outbox.DeadLetterAsync(claimed[0].Id, "gone", T0, Ct);
        await Outbox.CompleteAsync(claimed[1].Id, Ct);

        var rows = await OutboxRowsOf(chat);

        Assert.Equal([("a", true), ("c", false)], rows.Select(r => (r.RecipientId, r.DeadLetteredAt is not null)));
    }

    // ---- builders ---------------------------------------------------------------------------------

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static string NewChatId() => $"chat-{Guid.NewGuid():N}";

    protected static NewMessage Message(
        string clientMsgId,
        string senderId = "alice",
        string content = "hello",
        DateTimeOffset? sentAt = null,
        IReadOnlyList<PushTarget>? targets = null) =>
        new(Guid.CreateVersion7(), senderId, clientMsgId, content, sentAt ?? T0, targets ?? []);

    protected Task<IReadOnlyList<AppendOutcome>> Append(string chatId, long lastSeq, params NewMessage[] messages) =>
        Store.AppendAsync(new ChatAppend(chatId, lastSeq, messages), Ct);

    /// <summary>A new chat with messages c1..cN at seqs 1..N.</summary>
    protected async Task<string> ChatWithMessages(int count)
    {
        var chat = NewChatId();
        await Append(chat, 0, [.. Enumerable.Range(1, count).Select(i => Message($"c{i}", content: $"message {i}"))]);
        return chat;
    }

    protected async Task<List<PushOutboxEntry>> OutboxRowsOf(string chatId) =>
        [.. (await Outbox.ListAsync(All, Ct)).Where(r => r.ChatId == chatId)];

    protected async Task<List<PushOutboxEntry>> ClaimOwn(string chatId, DateTimeOffset now, DateTimeOffset claimUntil) =>
        [.. (await Outbox.ClaimAsync(All, now, claimUntil, Ct)).Where(r => r.ChatId == chatId)];
}
