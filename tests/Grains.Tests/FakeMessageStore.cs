using OrleansChat.Persistence;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// A message store in memory that keeps the real stores' contract: an append gets seqs from the room's last seq on
/// and fails when another writer took them; a (sender, client message id) stored before comes back as a duplicate.
/// </summary>
internal sealed class FakeMessageStore : IMessageStore
{
    private readonly List<StoredMessage> _messages = [];

    /// <summary>Every append that reached the store, failed ones included, in order.</summary>
    public List<ChatAppend> Appends { get; } = [];

    public int LastReads { get; private set; }

    /// <summary>How often the writer read the targets of a batch's changes.</summary>
    public int TargetReads { get; private set; }

    /// <summary>How often the writer looked a send up by its client message id.</summary>
    public int Lookups { get; private set; }

    /// <summary>Appends wait for this before they do anything; completed by default.</summary>
    public TaskCompletionSource Hold { get; set; } = Completed();

    /// <summary>The next append fails with this, once.</summary>
    public Exception? FailNext { get; set; }

    public IReadOnlyList<StoredMessage> Messages => _messages;

    /// <summary>Uploads by id; an append links the ones its texts carry, as the real stores do.</summary>
    public Dictionary<Guid, AttachmentRecord> Uploads { get; } = [];

    /// <summary>How often the writer read uploads.</summary>
    public int AttachmentReads { get; private set; }

    /// <summary>Another message takes this upload just before the next append, after the room checked it.</summary>
    public Guid? TakeBeforeNextAppend { get; set; }

    /// <summary>Another writer (a room's earlier activation) stored a message.</summary>
    public StoredMessage StoreElsewhere(string chatId, Guid messageId, DateTimeOffset sentAt)
    {
        var message = new StoredMessage(chatId, _messages.Count + 1, messageId, "elsewhere", $"e{_messages.Count + 1}", "x", sentAt);
        _messages.Add(message);
        return message;
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default)
    {
        Appends.Add(append);
        await Hold.Task;
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        if (TakeBeforeNextAppend is { } taken)
        {
            TakeBeforeNextAppend = null;
            Uploads[taken] = Uploads[taken] with { ChatId = "elsewhere", Seq = 1 };
        }

        foreach (var m in append.Messages)
        {
            if (m.Attachments.Any(a => !Uploads.TryGetValue(a.AttachmentId, out var upload) || upload.ChatId is not null || upload.UploaderId != m.SenderId))
            {
                throw new AttachmentsTakenException("An upload is taken.");
            }
        }

        if (append.LastSeq != _messages.Count)
        {
            throw new StoreUnavailableException($"Seq {append.LastSeq + 1} of chat {append.ChatId} is taken.");
        }

        var outcomes = new List<AppendOutcome>(append.Messages.Count);
        foreach (var m in append.Messages)
        {
            var before = _messages.Find(s => s.SenderId == m.SenderId && s.ClientMsgId == m.ClientMsgId);
            if (before is not null)
            {
                outcomes.Add(new AppendOutcome(before, IsDuplicate: true));
                continue;
            }

            var stored = new StoredMessage(append.ChatId, _messages.Count + 1, m.MessageId, m.SenderId, m.ClientMsgId, m.Content, m.SentAt)
            {
                Kind = m.Kind,
                Target = m.Target,
                Attachments = m.Attachments,
                JobId = m.JobId,
                Stopped = m.Stopped,
            };
            _messages.Add(stored);
            foreach (var a in m.Attachments)
            {
                Uploads[a.AttachmentId] = Uploads[a.AttachmentId] with { ChatId = append.ChatId, Seq = stored.Seq };
            }

            if (m.Kind == MessageKind.Delete && m.Target is { } target)
            {
                // Only what the writer reads back: the target's deleted flag.
                _messages[(int)target - 1] = _messages[(int)target - 1] with { Deleted = true };
            }
            outcomes.Add(new AppendOutcome(stored, IsDuplicate: false));
        }

        return outcomes;
    }

    public Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default)
    {
        LastReads++;
        return Task.FromResult(_messages.LastOrDefault());
    }

    public Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The writer does not read history.");

    public Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        Lookups++;
        return Task.FromResult(_messages.Find(m => m.ChatId == chatId && m.SenderId == senderId && m.ClientMsgId == clientMsgId));
    }

    public Task<IReadOnlyList<AttachmentRecord>> GetAttachmentsAsync(IReadOnlyCollection<Guid> attachmentIds, CancellationToken cancellationToken = default)
    {
        AttachmentReads++;
        return Task.FromResult<IReadOnlyList<AttachmentRecord>>([.. attachmentIds.Where(Uploads.ContainsKey).Select(id => Uploads[id])]);
    }

    public Task<IReadOnlyList<MessageTarget>> GetTargetsAsync(string chatId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        TargetReads++;
        return Task.FromResult<IReadOnlyList<MessageTarget>>(
            [.. _messages.Where(m => m.ChatId == chatId && seqs.Contains(m.Seq)).Select(m => new MessageTarget(m.Seq, m.Kind, m.SenderId, m.Deleted))]);
    }

    public Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string userId, IReadOnlyCollection<ReadPosition> chats, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UnreadCount>>(
            [.. chats
                .Select(c => _messages.Where(m => m.ChatId == c.ChatId && m.Seq > c.ReadSeq && m.Kind == MessageKind.Text && !m.Deleted && m.SenderId != userId).ToList())
                .Where(unread => unread.Count > 0)
                .Select(unread => new UnreadCount(unread[0].ChatId, unread.Count, unread.Count(m => m.Mentions.Contains(userId))))]);

    public Task CheckHealthAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
