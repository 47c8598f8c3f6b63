using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Assistant;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// The write path of one room. Sends that passed the room's rules queue here, and one loop stores the queue in
/// batches (sends that arrive while a write is in flight form the next batch), continues the chat's seqs and
/// message ids, answers each send after its commit and hands the new messages to the room to publish.
/// A repeat of a queued send joins it; a repeat of a recent one gets its ack from the idempotency window; an older
/// one goes to the store, whose unique key answers it with the message stored the first time.
/// </summary>
/// <remarks>
/// Needs no locks: the room calls it, and its loop continues, on the grain's scheduler, one turn at a time.
/// </remarks>
/// <param name="pushTargets">The devices to notify of a text from the given sender mentioning the given members, asked once per text.</param>
/// <param name="mentionsOf">The members a content mentions.</param>
/// <param name="ownsGroup">Whether a user is the owner of this chat, a group (who may delete anyone's message).</param>
/// <param name="stored">Called after a commit with the messages it stored (not repeats) and their push rows.</param>
/// <param name="logger">The room's logger.</param>
internal sealed partial class RoomWriter(
    string chatId,
    IMessageStore store,
    ChatOptions options,
    TimeProvider time,
    Func<string, IReadOnlyList<string>, IReadOnlyList<PushTarget>> pushTargets,
    Func<string, IReadOnlyList<string>> mentionsOf,
    Func<string, bool> ownsGroup,
    Action<IReadOnlyList<ChatEvent>, int> stored,
    ILogger logger)
{
    private readonly List<PendingSend> _queue = [];

    // The sends queued or being written, by sender and client message id: a repeat joins the first.
    private readonly Dictionary<(string SenderId, string ClientMsgId), PendingSend> _queued = [];
    private readonly IdempotencyWindow _recent = new(options.IdempotencyCacheSize, options.IdempotencyWindow, time);
    private readonly MessageIds _ids = new();
    private readonly RecentTargets _recentTargets = new(options.RecentTargets);
    private bool _writing;

    /// <summary>The assistant's part: the jobs that committed texts start before they are acked. None in unit tests.</summary>
    public RoomAssistant? Assistant { get; init; }

    /// <summary>The seq of the chat's last stored message, 0 when it has none.</summary>
    public long LastSeq { get; private set; }

    /// <summary>Where seqs and message ids go on from: the chat's last stored message.</summary>
    public async Task LoadLastAsync(CancellationToken cancellationToken = default)
    {
        var last = await store.GetLastAsync(chatId, cancellationToken);
        LastSeq = last?.Seq ?? 0;
        if (last is not null)
        {
            _ids.Follow(last.MessageId);
        }
    }

    /// <summary>
    /// Queues a send for the next write (<see cref="StartWriting"/> starts it). The task answers with the stored
    /// message, or faults with an <see cref="ChatErrorCode.Unavailable"/> <see cref="ChatException"/> when the store failed,
    /// or with the code of PROTOCOL.md 6.1 when a change's target or a reply's replyTo is refused (<see cref="ChangeRules"/>).
    /// </summary>
    public Task<SendResult> Enqueue(SendCommand command)
    {
        if (_recent.TryGet(command.SenderId, command.ClientMsgId, out var known))
        {
            return Task.FromResult(known);
        }

        if (_queued.TryGetValue((command.SenderId, command.ClientMsgId), out var queued))
        {
            return queued.Task;
        }

        var pending = new PendingSend(command);
        _queue.Add(pending);
        _queued.Add((command.SenderId, command.ClientMsgId), pending);
        return pending.Task;
    }

    /// <summary>Starts the write loop unless it runs already or nothing is queued.</summary>
    public void StartWriting()
    {
        if (!_writing && _queue.Count > 0)
        {
            _writing = true;
            _ = WriteQueue();
        }
    }

    /// <summary>A stored message as members see it, in events and in history.</summary>
    public static ChatMessage ToChatMessage(StoredMessage m) =>
        new(m.ChatId, m.Seq, m.MessageId, m.SenderId, m.Content, m.SentAt, m.ClientMsgId)
        {
            Kind = (SendKind)m.Kind,
            Target = m.Target,
            ReplyTo = m.ReplyTo,
            Remove = m.Remove,
            Mentions = m.Mentions,
            EditedAt = m.EditedAt,
            Deleted = m.Deleted,
            Reactions = m.Reactions.Count == 0 ? [] : [.. m.Reactions.Select(r => new ChatReaction(r.Content, r.UserIds))],
            Attachments = m.Attachments.Count == 0 ? []
                : [.. m.Attachments.Select(a => new ChatAttachment(a.AttachmentId, a.Name, a.ContentType, a.Size, a.Width, a.Height))],
            JobId = m.JobId,
            Stopped = m.Stopped,
        };

    /// <summary>Stores the queue batch by batch until it is empty.</summary>
    private async Task WriteQueue()
    {
        try
        {
            while (_queue.Count > 0)
            {
                var batch = new PendingSend[Math.Min(_queue.Count, options.MaxBatchSize)];
                _queue.CopyTo(0, batch, 0, batch.Length);
                _queue.RemoveRange(0, batch.Length);
                await WriteBatch(batch);
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task WriteBatch(PendingSend[] batch)
    {
        if (Array.Exists(batch, p => ChangeRules.NeedsTargets(p.Command)))
        {
            batch = await CheckTargets(batch);
            if (batch.Length == 0)
            {
                return;
            }
        }

        if (Array.Exists(batch, p => p.Command.Attachments.Count > 0))
        {
            batch = await CheckAttachments(batch);
            if (batch.Length == 0)
            {
                return;
            }
        }

        // Inline rather than a method of its own: a plain batch pays no extra state machine. An upload taken by another
        // message since the check (two sends racing for it, only one commits) has its batch checked again and written
        // again without the losers.
        NewMessage[] messages;
        IReadOnlyList<AppendOutcome> outcomes;
        for (var attempt = 1; ; attempt++)
        {
            messages = NewMessages(batch);
            try
            {
                outcomes = await store.AppendAsync(new ChatAppend(chatId, LastSeq, messages));
                break;
            }
            catch (AttachmentsTakenException) when (attempt < MaxAttachmentChecks)
            {
                batch = await CheckAttachments(batch);
                if (batch.Length == 0)
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                LogAppendFailed(logger, ex, chatId, batch.Length);
                foreach (var p in batch)
                {
                    _queued.Remove((p.Command.SenderId, p.Command.ClientMsgId));
                    p.TrySetException(ChatException.Unavailable("The message was not stored; send it again."));
                }

                await ReloadLast();
                return;
            }
        }

        var posted = new List<ChatEvent>(batch.Length);
        var pushRows = 0;
        var results = new SendResult[batch.Length];
        List<int>? asking = null;
        for (var i = 0; i < batch.Length; i++)
        {
            var (message, duplicate) = outcomes[i];
            results[i] = new SendResult(chatId, message.ClientMsgId, message.MessageId, message.Seq, message.SentAt);
            if (!duplicate)
            {
                LastSeq = Math.Max(LastSeq, message.Seq);
                _recentTargets.Stored(message);
                posted.Add(new MessagePosted(Live(message, messages[i])));
                pushRows += messages[i].PushTargets.Count;
            }

            if (Assistant?.Asks(batch[i].Command, message) == true)
            {
                (asking ??= []).Add(i);
            }
        }

        // Before the acks, so that an ack's job exists when the client asks for it.
        if (asking is not null)
        {
            await Assistant!.StartJobs(chatId, asking, outcomes, results);
        }

        for (var i = 0; i < batch.Length; i++)
        {
            _recent.Remember(batch[i].Command.SenderId, results[i]);
            _queued.Remove((batch[i].Command.SenderId, batch[i].Command.ClientMsgId));
            batch[i].TrySetResult(results[i]);
        }

        if (posted.Count > 0)
        {
            stored(posted, pushRows);
        }
    }

    private NewMessage[] NewMessages(PendingSend[] batch)
    {
        var now = time.UtcNowToTheMillisecond();
        var ids = _ids.NewBatch(now, batch.Length);
        var messages = new NewMessage[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var command = batch[i].Command;
            var mentions = command.Kind is SendKind.Text or SendKind.Edit ? mentionsOf(command.Content) : [];

            // Only a new text notifies: changes reach connected devices as frames and nobody's phone.
            var push = command.Kind == SendKind.Text ? pushTargets(command.SenderId, mentions) : [];
            messages[i] = new NewMessage(ids[i], command.SenderId, command.ClientMsgId, command.Content, now, push)
            {
                Kind = (MessageKind)command.Kind,
                Target = command.Target,
                ReplyTo = command.ReplyTo,
                Remove = command.Remove,
                Mentions = mentions,
                Attachments = batch[i].Attachments,
                JobId = command.JobId,
                Stopped = command.Stopped,
                CheckedTarget = batch[i].Target,
            };
        }

        return messages;
    }

    /// <summary>A message as members see it live: the job fields as sent, whether or not the store gave them back.</summary>
    private static ChatMessage Live(StoredMessage stored, NewMessage sent)
    {
        var message = ToChatMessage(stored);
        return sent.JobId is null ? message : message with { JobId = sent.JobId, Stopped = sent.Stopped };
    }

    private async Task ReloadLast()
    {
        _recentTargets.Clear();
        try
        {
            await LoadLastAsync();
        }
        catch (Exception ex)
        {
            // The next append starts from the old value; if another writer moved on, that append fails and reloads again.
            LogReloadFailed(logger, ex, chatId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending {Count} message(s) to chat {ChatId} failed; the senders were told to retry")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, string chatId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the last seq of chat {ChatId} failed")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string chatId);

    /// <summary>A queued send; it is its own completion, so queueing costs one object.</summary>
    private sealed class PendingSend(SendCommand command)
        : TaskCompletionSource<SendResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public SendCommand Command { get; } = command;

        /// <summary>The uploads the send carries, as checked against the store; none for most sends.</summary>
        public IReadOnlyList<MessageAttachment> Attachments { get; set; } = [];

        /// <summary>On a change: its target as the rules checked it (<see cref="ChangeRules"/>).</summary>
        public MessageTarget? Target { get; set; }
    }
}
