namespace OrleansChat.Grains;

/// <summary>
/// Who is typing in one room, and which of their changes members get to see (PROTOCOL.md 3.4): at most one change
/// of a user's typing state per second. A change within a second of that user's last published one is held; when
/// the second is over, the state of that moment is published if it differs from the last published one. So a
/// burst of starts and stops costs each member at most one frame per second, and a start that ends by itself
/// (after the typing timeout) still gets its stop.
/// </summary>
/// <param name="time">The room's clock.</param>
/// <param name="timeout">How long a start lasts without a stop.</param>
/// <param name="interval">The shortest time between two published changes of one user.</param>
/// <param name="schedule">Runs a callback once after a delay; the result cancels it. The room passes grain timers.</param>
/// <param name="publish">Tells members that a user's typing state is now the given one.</param>
internal sealed class TypingStates(
    TimeProvider time,
    TimeSpan timeout,
    TimeSpan interval,
    Func<Func<Task>, TimeSpan, IDisposable> schedule,
    Action<string, bool> publish)
{
    private readonly Dictionary<string, Typist> _typists = new(StringComparer.Ordinal);

    public void Set(string userId, bool typing)
    {
        var typist = _typists.GetValueOrDefault(userId);
        if (typist is null)
        {
            if (!typing)
            {
                return;
            }

            typist = new Typist();
            _typists[userId] = typist;
        }

        typist.Expiry?.Dispose();
        typist.Expiry = null;
        if (typing)
        {
            IDisposable? expiry = null;
            expiry = schedule(() => Expired(userId, typist, expiry), timeout);
            typist.Expiry = expiry;
        }

        typist.Typing = typing;
        Settle(userId, typist);
    }

    // A timer cancelled while its callback was already on its way must not act: hence the identity checks.
    private Task Expired(string userId, Typist typist, IDisposable? expiry)
    {
        if (_typists.GetValueOrDefault(userId) == typist && typist.Expiry == expiry && expiry is not null)
        {
            expiry.Dispose();
            typist.Expiry = null;
            typist.Typing = false;
            Settle(userId, typist);
        }

        return Task.CompletedTask;
    }

    private Task HoldOver(string userId, Typist typist, IDisposable? held)
    {
        if (_typists.GetValueOrDefault(userId) == typist && typist.Held == held && held is not null)
        {
            held.Dispose();
            typist.Held = null;
            Settle(userId, typist);
        }

        return Task.CompletedTask;
    }

    private void Hold(string userId, Typist typist, TimeSpan wait)
    {
        IDisposable? held = null;
        held = schedule(() => HoldOver(userId, typist, held), wait);
        typist.Held = held;
    }

    /// <summary>Publishes the user's state now, later, or not at all, and forgets users with nothing left to say.</summary>
    private void Settle(string userId, Typist typist)
    {
        if (typist.Held is not null)
        {
            return;
        }

        if (typist.Typing != typist.Published)
        {
            var now = time.GetUtcNow();
            var wait = typist.PublishedAt + interval - now;
            if (typist.PublishedAt != default && wait > TimeSpan.Zero)
            {
                Hold(userId, typist, wait);
                return;
            }

            typist.Published = typist.Typing;
            typist.PublishedAt = now;
            publish(userId, typist.Typing);
        }

        if (!typist.Typing && !typist.Published)
        {
            // Until the second is over, a new start must wait, so the entry stays until then.
            var wait = typist.PublishedAt + interval - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                Hold(userId, typist, wait);
            }
            else
            {
                _typists.Remove(userId);
            }
        }
    }

    private sealed class Typist
    {
        public bool Typing { get; set; }

        public bool Published { get; set; }

        public DateTimeOffset PublishedAt { get; set; }

        public IDisposable? Expiry { get; set; }

        public IDisposable? Held { get; set; }
    }
}
