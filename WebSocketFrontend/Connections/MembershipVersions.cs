namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The newest change of one user's membership applied per chat on one connection. Changes come through one-way
/// calls and may arrive out of order; an older one must not undo a newer one.
/// </summary>
public sealed class MembershipVersions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _versions = [];

    /// <summary>Records a change of the membership in a chat unless a newer one was already applied.</summary>
    public bool TryAdvance(string chatId, long version)
    {
        lock (_gate)
        {
            if (_versions.GetValueOrDefault(chatId) >= version)
            {
                return false;
            }

            _versions[chatId] = version;
            return true;
        }
    }

    /// <summary>Whether <paramref name="version"/> is still the newest change applied for the chat.</summary>
    public bool IsCurrent(string chatId, long version)
    {
        lock (_gate)
        {
            return _versions.GetValueOrDefault(chatId) == version;
        }
    }
}
