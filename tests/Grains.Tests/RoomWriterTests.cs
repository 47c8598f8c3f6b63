using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// A room's write path without a cluster: batching, repeats, the idempotency window on a fake clock, and what a
/// failed store write leaves behind, against an in-memory store that keeps the real stores' contract.
/// </summary>
public sealed class RoomWriterTests
{
    private const string ChatId = "g:writer";
    private static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeMessageStore _store = new();
    private readonly FakeTimeProvider _time = new(Noon);
    private readonly List<ChatEvent> _published = [];

    [Fact]
    public async Task A_repeated_client_message_id_in_one_batch_is_stored_once_and_answered_with_the_first_ack()
    {
        var writer = await NewWriter();

        var first = writer.Enqueue(Command("k1", "one"));
        var other = writer.Enqueue(Command("k2", "two"));
        var repeat = writer.Enqueue(Command("k1", "one"));
        writer.StartWriting();

        var acks = await Task.WhenAll(first, other, repeat);

        var append = Assert.Single(_store.Appends);
        Assert.Equal(["k1", "k2"], append.Messages.Select(m => m.ClientMsgId));
        Assert.Equal([1L, 2L, 1L], acks.Select(a => a.Seq));
        Assert.Same(acks[0], acks[2]);
    }

    [Fact]
    public async Task A_failed_store_write_answers_unavailable_and_the_next_send_continues_from_the_last_stored_message()
    {
        var writer = await NewWriter();
        var elsewhere = _store.StoreElsewhere(ChatId, Guid.CreateVersion7(Noon.AddHours(1)), Noon);

        var failed = writer.Enqueue(Command("k1", "one"));
        writer.StartWriting();
        var failure = await Assert.ThrowsAsync<ChatException>(() => failed);
        var retried = writer.Enqueue(Command("k1", "one"));
        writer.StartWriting();
        var ack = await retried;

        Assert.Equal((ChatErrorCode.Unavailable, "The message was not stored; send it again."), (failure.Code, failure.Message));
        Assert.Equal(2, _store.LastReads);
        Assert.Equal(elsewhere.Seq + 1, ack.Seq);
        Assert.True(string.CompareOrdinal(ack.MessageId.ToString(), elsewhere.MessageId.ToString()) > 0);
        Assert.Equal(ack.Seq, writer.LastSeq);
    }

    [Fact]
    public async Task A_repeat_a_millisecond_before_24_hours_gets_the_first_ack_without_asking_the_store()
    {
        var writer = await NewWriter();
        var first = await Send(writer, Command("k1", "one"));

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        var repeat = await Send(writer, Command("k1", "one"));

        Assert.Equal(first, repeat);
        Assert.Single(_store.Appends);
    }

    [Fact]
    public async Task A_repeat_after_24_hours_is_asked_of_the_store_whose_unique_key_answers_with_the_first_message()
    {
        var writer = await NewWriter();
        var first = await Send(writer, Command("k1", "one"));

        _time.Advance(TimeSpan.FromHours(24));
        var repeat = await Send(writer, Command("k1", "one"));

        Assert.Equal(2, _store.Appends.Count);
        Assert.Equal(first, repeat);
        Assert.Equal([first.Seq], _published.Cast<MessagePosted>().Select(p => p.Message.Seq));
    }

    [Fact]
    public async Task A_reaction_repeated_after_24_hours_on_a_message_deleted_since_gets_its_first_ack_not_not_found()
    {
        var writer = await NewWriter();
        await Send(writer, Command("k1", "one"));
        var reaction = await Send(writer, Command("k2", "👍") with { Kind = SendKind.Reaction, Target = 1 });
        await Send(writer, Command("k3", "") with { Kind = SendKind.Delete, Target = 1 });

        _time.Advance(TimeSpan.FromHours(24));
        var repeat = await Send(writer, Command("k2", "👍") with { Kind = SendKind.Reaction, Target = 1 });

        Assert.Equal(reaction, repeat);
        Assert.Equal(3, _store.Messages.Count);
        Assert.Equal(3, _published.Count);
    }

    [Fact]
    public async Task A_new_reaction_on_a_deleted_message_is_refused_with_not_found_and_stores_nothing()
    {
        var writer = await NewWriter();
        await Send(writer, Command("k1", "one"));
        await Send(writer, Command("k2", "") with { Kind = SendKind.Delete, Target = 1 });

        var refused = await Assert.ThrowsAsync<ChatException>(() => Send(writer, Command("k3", "👍") with { Kind = SendKind.Reaction, Target = 1 }));

        Assert.Equal(ChatErrorCode.NotFound, refused.Code);
        Assert.Equal(1, _store.Lookups);
        Assert.Equal(2, _store.Messages.Count);
    }

    [Fact]
    public async Task An_edit_of_a_text_queued_in_the_same_uncommitted_batch_is_refused_with_not_found()
    {
        var writer = await NewWriter();
        _store.Hold = new TaskCompletionSource();
        var blocker = Send(writer, Command("k0", "in flight"));

        // Seq 2 will be the text queued next to it, but it is not stored when the batch is checked.
        var text = Send(writer, Command("k1", "one"));
        var edit = Send(writer, Command("k2", "two") with { Kind = SendKind.Edit, Target = 2 });
        _store.Hold.SetResult();

        await blocker;
        Assert.Equal(2, (await text).Seq);
        var refused = await Assert.ThrowsAsync<ChatException>(() => edit);
        Assert.Equal(ChatErrorCode.NotFound, refused.Code);
        Assert.Equal(["in flight", "one"], _store.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task Changes_to_recent_messages_are_checked_without_reading_the_store_and_a_delete_refuses_the_next_edit()
    {
        var writer = await NewWriter();
        await Send(writer, Command("k1", "one"));
        await Send(writer, Command("k2", "👍") with { SenderId = "bob", Kind = SendKind.Reaction, Target = 1 });
        await Send(writer, Command("k3", "one!") with { Kind = SendKind.Edit, Target = 1 });
        await Send(writer, Command("k4", "") with { Kind = SendKind.Delete, Target = 1 });

        var refused = await Assert.ThrowsAsync<ChatException>(() => Send(writer, Command("k5", "two") with { Kind = SendKind.Edit, Target = 1 }));
        var beyond = await Assert.ThrowsAsync<ChatException>(() => Send(writer, Command("k6", "x") with { Kind = SendKind.Edit, Target = 9 }));

        Assert.Equal((ChatErrorCode.NotFound, ChatErrorCode.NotFound), (refused.Code, beyond.Code));
        Assert.Equal(0, _store.TargetReads);
        Assert.Equal(4, _store.Messages.Count);
    }

    [Fact]
    public async Task A_change_to_a_message_older_than_the_recent_ones_reads_its_target_from_the_store()
    {
        var writer = await NewWriter(new ChatOptions { RecentTargets = 1 });
        await Send(writer, Command("k1", "one"));
        await Send(writer, Command("k2", "two"));

        var edit = await Send(writer, Command("k3", "one!") with { Kind = SendKind.Edit, Target = 1 });

        Assert.Equal(3, edit.Seq);
        Assert.Equal(1, _store.TargetReads);
    }

    [Fact]
    public async Task Sends_that_arrive_during_a_write_form_the_next_batch_with_seqs_and_ids_rising_together()
    {
        var writer = await NewWriter();
        _store.Hold = new TaskCompletionSource();

        var firstBatch = Enumerable.Range(1, 3).Select(i => writer.Enqueue(Command($"k{i}", $"m{i}"))).ToList();
        writer.StartWriting();
        var secondBatch = Enumerable.Range(4, 5).Select(i => writer.Enqueue(Command($"k{i}", $"m{i}"))).ToList();
        writer.StartWriting();
        _store.Hold.SetResult();
        var acks = await Task.WhenAll(firstBatch.Concat(secondBatch));

        Assert.Equal([3, 5], _store.Appends.Select(a => a.Messages.Count));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), acks.Select(a => a.Seq));
        var ids = acks.Select(a => a.MessageId.ToString()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(8, ids.Distinct().Count());
        Assert.Equal(acks.Select(a => a.Seq), _published.Cast<MessagePosted>().Select(p => p.Message.Seq));
    }

    [Fact]
    public async Task A_queue_longer_than_the_batch_size_is_written_in_batches_of_that_size()
    {
        var writer = await NewWriter(new ChatOptions { MaxBatchSize = 2 });

        var sends = Enumerable.Range(1, 5).Select(i => writer.Enqueue(Command($"k{i}", $"m{i}"))).ToList();
        writer.StartWriting();
        var acks = await Task.WhenAll(sends);

        Assert.Equal([2, 2, 1], _store.Appends.Select(a => a.Messages.Count));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), acks.Select(a => a.Seq));
    }

    [Fact]
    public async Task Plain_texts_read_no_uploads_and_a_batch_with_attachments_reads_them_once_for_all_its_sends()
    {
        var writer = await NewWriter();
        var (a, b, c) = (Upload("alice", 1), Upload("alice", 2), Upload("alice", 3));
        await Send(writer, Command("k1", "plain"));
        var plainReads = _store.AttachmentReads;

        var sends = new[]
        {
            writer.Enqueue(Command("k2", "") with { Attachments = [b.ToString(), a.ToString()] }),
            writer.Enqueue(Command("k3", "plain")),
            writer.Enqueue(Command("k4", "x") with { Attachments = [c.ToString()] }),
        };
        writer.StartWriting();
        await Task.WhenAll(sends);

        Assert.Equal((0, 1), (plainReads, _store.AttachmentReads));
        Assert.Equal([b, a], _store.Messages[1].Attachments.Select(x => x.AttachmentId));
        Assert.Equal(
            [(ChatId, (long?)2), (ChatId, (long?)2), (ChatId, (long?)4)],
            new[] { a, b, c }.Select(id => (_store.Uploads[id].ChatId, _store.Uploads[id].Seq)));
    }

    [Fact]
    public async Task A_send_naming_an_upload_of_another_sender_or_one_an_earlier_send_of_the_batch_took_is_refused_alone()
    {
        var writer = await NewWriter();
        var (mine, bobs) = (Upload("alice", 1), Upload("bob", 2));

        var first = writer.Enqueue(Command("k1", "x") with { Attachments = [mine.ToString()] });
        var again = writer.Enqueue(Command("k2", "x") with { Attachments = [mine.ToString()] });
        var foreign = writer.Enqueue(Command("k3", "x") with { Attachments = [bobs.ToString()] });
        var plain = writer.Enqueue(Command("k4", "plain"));
        writer.StartWriting();

        Assert.Equal(1, (await first).Seq);
        Assert.Equal(ChatErrorCode.BadRequest, (await Assert.ThrowsAsync<ChatException>(() => again)).Code);
        Assert.Equal(ChatErrorCode.BadRequest, (await Assert.ThrowsAsync<ChatException>(() => foreign)).Code);
        Assert.Equal(2, (await plain).Seq);
        Assert.Null(_store.Uploads[bobs].ChatId);
    }

    [Fact]
    public async Task An_upload_taken_by_another_message_after_the_check_is_refused_and_the_rest_of_its_batch_is_stored()
    {
        var writer = await NewWriter();
        var upload = Upload("alice", 1);
        _store.TakeBeforeNextAppend = upload;

        var racing = writer.Enqueue(Command("k1", "x") with { Attachments = [upload.ToString()] });
        var plain = writer.Enqueue(Command("k2", "plain"));
        writer.StartWriting();

        Assert.Equal(ChatErrorCode.BadRequest, (await Assert.ThrowsAsync<ChatException>(() => racing)).Code);
        Assert.Equal(1, (await plain).Seq);
        Assert.Equal((2, 2), (_store.AttachmentReads, _store.Appends.Count));
        Assert.Equal(["k2"], _store.Messages.Select(m => m.ClientMsgId));
    }

    private Guid Upload(string uploaderId, int second)
    {
        var id = Guid.NewGuid();
        _store.Uploads[id] = new Persistence.Attachments.AttachmentRecord(
            id, uploaderId, $"{second}.txt", "text/plain", 3, new string('a', 64), null, null, Noon.AddSeconds(second));
        return id;
    }

    private async Task<RoomWriter> NewWriter(ChatOptions? options = null)
    {
        var writer = new RoomWriter(
            ChatId, _store, options ?? new ChatOptions(), _time, (_, _) => [], _ => [], _ => false, (events, _) => _published.AddRange(events), NullLogger.Instance);
        await writer.LoadLastAsync(TestContext.Current.CancellationToken);
        return writer;
    }

    private static Task<SendResult> Send(RoomWriter writer, SendCommand command)
    {
        var result = writer.Enqueue(command);
        writer.StartWriting();
        return result;
    }

    private static SendCommand Command(string clientMsgId, string content) => new("alice", clientMsgId, content);
}
