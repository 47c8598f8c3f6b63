namespace OrleansChat.Grains;

/// <summary>
/// What the user decides about others' messages (PROTOCOL.md 6.5): the chats they muted and the users they blocked.
/// Rooms act on both from their copy of the member's reachability, so the delivery path asks nothing here. The rooms a
/// change concerns are told and awaited before the change is answered (their method interleaves, and so does the
/// reachability a room may ask for here while activating), so the next message there is judged by it.
/// </summary>
public sealed partial class UserGrain
{
    public Task<bool> Blocks(string userId) => Task.FromResult(user.State.Blocked.Contains(userId));

    public Task<IReadOnlyDictionary<string, ChatSettings>> GetMutedChats()
    {
        var now = time.GetUtcNow();
        IReadOnlyDictionary<string, ChatSettings> muted = user.State.MutedChats
            .Where(m => m.Value.IsMutedAt(now))
            .ToDictionary(StringComparer.Ordinal);
        return Task.FromResult(muted);
    }

    public async Task<ChatSettings> SetChatSettings(string chatId, ChatSettings settings)
    {
        if (!user.State.Chats.Exists(c => c.ChatId == chatId))
        {
            // The room says why, as every chat route does: no such chat (404), or not a member (403). Should it find the
            // user a member, their join is on its way here, and the settings apply to it.
            await Room(chatId).GetChat(UserId);
        }

        var now = time.GetUtcNow();
        if (!settings.Muted && settings.MutedUntil is not null)
        {
            throw ChatException.BadRequest("mutedUntil goes with \"muted\": true only.");
        }

        if (settings.MutedUntil is { } until && until <= now)
        {
            throw ChatException.BadRequest("mutedUntil must be a time in the future.");
        }

        // Mutes that ended by themselves are dropped here rather than by a timer: until then they read as unmuted.
        foreach (var ended in user.State.MutedChats.Where(m => !m.Value.IsMutedAt(now)).Select(m => m.Key).ToList())
        {
            user.State.MutedChats.Remove(ended);
        }

        if (settings.Muted)
        {
            user.State.MutedChats[chatId] = settings;
        }
        else
        {
            user.State.MutedChats.Remove(chatId);
        }

        await user.WriteStateAsync();
        await Room(chatId).MemberSettingsChanged(Reachability(chatId));
        return settings.Muted ? settings : ChatSettings.Unmuted;
    }

    public async Task Block(string userId)
    {
        if (userId == UserId)
        {
            throw ChatException.BadRequest("A user cannot block themselves.");
        }

        if (user.State.Blocked.Contains(userId))
        {
            return;
        }

        if (user.State.Blocked.Count >= _options.MaxBlockedUsers)
        {
            throw ChatException.Conflict($"A user blocks at most {_options.MaxBlockedUsers} users; unblock one first.");
        }

        user.State.Blocked.Add(userId);
        await BlocksChanged();
    }

    public async Task Unblock(string userId)
    {
        if (user.State.Blocked.Remove(userId))
        {
            await BlocksChanged();
        }
    }

    public Task<IReadOnlyList<string>> GetBlocked() => Task.FromResult<IReadOnlyList<string>>([.. user.State.Blocked]);

    /// <summary>
    /// Stores the list, shows watchers the presence each may now see (the blocked user's own gateway included), and
    /// tells every room of the user before this returns: the direct chat with the blocked user refuses their next send,
    /// and a group sends no push of their next message. The user does not know which groups the blocked user shares.
    /// </summary>
    private async Task BlocksChanged()
    {
        _blocked = null;
        await user.WriteStateAsync();
        TellWatchers();
        var reachability = Reachability(chatId: null);
        await Task.WhenAll(user.State.Chats.Select(c => Room(c.ChatId).MemberSettingsChanged(reachability with { Settings = SettingsOf(c.ChatId) })));
    }
}
