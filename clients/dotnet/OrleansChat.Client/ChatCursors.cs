namespace OrleansChat.Client;

/// <summary>
/// Per chat, the last seq delivered to the application, and the messages that came ahead of a gap. A message is
/// delivered exactly when it is the next seq of its chat; an earlier one is a repeat and dropped; a later one waits
/// while a <c>sync</c> fetches what lies between (PROTOCOL.md 3.3).
/// </summary>
internal sealed class ChatCursors(Action<ChatMessage> deliver)
{
    private readonly Dictionary<string, Cursor> _chats = new(StringComparer.Ordinal);

    public long LastSeq(string chatId)
    {
        lock (_chats)
        {
            return _chats.TryGetValue(chatId, out var cursor) ? cursor.LastSeq : 0;
        }
    }

    /// <summary>Follows a chat from <paramref name="lastSeq"/>, the last seq the application already holds.</summary>
    public void Track(string chatId, long lastSeq)
    {
        lock (_chats)
        {
            var cursor = Get(chatId);
            cursor.LastSeq = Math.Max(cursor.LastSeq, lastSeq);
        }
    }

    /// <summary>Takes a received message; returns the cursor to sync from when it reveals a gap no sync is filling yet.</summary>
    public SyncCursor? Offer(ChatMessage message)
    {
        lock (_chats)
        {
            var cursor = Get(message.ChatId);
            if (message.Seq <= cursor.LastSeq)
            {
                return null;
            }

            if (message.Seq > cursor.LastSeq + 1)
            {
                cursor.Held.TryAdd(message.Seq, message);
                if (cursor.Syncing)
                {
                    return null;
                }

                cursor.Syncing = true;
                return new SyncCursor(message.ChatId, cursor.LastSeq);
            }

            Deliver(cursor, message);
            return null;
        }
    }

    /// <summary>After a reconnect: every chat is synced from its cursor, and its gaps wait for that sync.</summary>
    public IReadOnlyList<SyncCursor> BeginResume()
    {
        lock (_chats)
        {
            foreach (var cursor in _chats.Values)
            {
                cursor.Syncing = true;
            }

            return [.. _chats.Select(chat => new SyncCursor(chat.Key, chat.Value.LastSeq))];
        }
    }

    /// <summary>
    /// After a <c>synced</c> (its messages already offered): the chats to sync further. A chat goes on while the server
    /// has more, or while messages still wait behind a gap and this page made progress (a message stored while the
    /// page was read arrives by the next one). A gap that a complete sync did not fill is not coming: the held
    /// messages are delivered.
    /// </summary>
    public IReadOnlyList<SyncCursor> AfterSync(IReadOnlyCollection<SyncCursor> asked, IReadOnlyList<SyncedChat> synced)
    {
        var next = new List<SyncCursor>();
        lock (_chats)
        {
            foreach (var chat in asked)
            {
                var cursor = Get(chat.ChatId);
                var hasMore = synced.Any(s => s.ChatId == chat.ChatId && s.HasMore);
                var progressed = cursor.LastSeq > chat.AfterSeq;
                if (hasMore || (cursor.Held.Count > 0 && progressed))
                {
                    next.Add(new SyncCursor(chat.ChatId, cursor.LastSeq));
                    continue;
                }

                EndSync(cursor);
            }
        }

        return next;
    }

    /// <summary>A sync that failed: its chats stop waiting for it.</summary>
    public void Abandon(IReadOnlyCollection<SyncCursor> asked)
    {
        lock (_chats)
        {
            foreach (var chat in asked)
            {
                EndSync(Get(chat.ChatId));
            }
        }
    }

    private void EndSync(Cursor cursor)
    {
        cursor.Syncing = false;
        while (cursor.Held.Count > 0)
        {
            var first = cursor.Held.First();
            cursor.Held.Remove(first.Key);
            if (first.Key > cursor.LastSeq)
            {
                Deliver(cursor, first.Value);
            }
        }
    }

    private void Deliver(Cursor cursor, ChatMessage message)
    {
        deliver(message);
        cursor.LastSeq = message.Seq;
        while (cursor.Held.Remove(cursor.LastSeq + 1, out var next))
        {
            deliver(next);
            cursor.LastSeq = next.Seq;
        }

        // Anything held at or below the cursor came twice.
        while (cursor.Held.Count > 0 && cursor.Held.First().Key <= cursor.LastSeq)
        {
            cursor.Held.Remove(cursor.Held.First().Key);
        }
    }

    private Cursor Get(string chatId)
    {
        if (!_chats.TryGetValue(chatId, out var cursor))
        {
            cursor = new Cursor();
            _chats.Add(chatId, cursor);
        }

        return cursor;
    }

    private sealed class Cursor
    {
        public long LastSeq;
        public bool Syncing;
        public readonly SortedDictionary<long, ChatMessage> Held = [];
    }
}
