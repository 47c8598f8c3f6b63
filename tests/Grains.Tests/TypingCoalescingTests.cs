using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// What members see of one user's typing (PROTOCOL.md 3.4: at most one change per chat per second), on a fake clock:
/// the room's <see cref="TypingStates"/> with the fake clock's timers standing in for grain timers.
/// </summary>
public sealed class TypingCoalescingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly List<(TimeSpan At, string UserId, bool Typing)> _published = [];
    private readonly DateTimeOffset _start;
    private readonly TypingStates _typing;

    public TypingCoalescingTests()
    {
        _start = _time.GetUtcNow();
        _typing = new TypingStates(
            _time,
            Timeout,
            ProtocolLimits.TypingChangeInterval,
            (callback, due) => _time.CreateTimer(_ => callback(), null, due, System.Threading.Timeout.InfiniteTimeSpan),
            (userId, typing) => _published.Add((_time.GetUtcNow() - _start, userId, typing)));
    }

    [Fact]
    public void A_thousand_alternating_starts_and_stops_in_a_burst_publish_one_start_and_one_stop_a_second_later()
    {
        for (var i = 0; i < 1000; i++)
        {
            _typing.Set("alice", i % 2 == 0);
        }

        // The fake clock runs a timer at the end of an advance, so advance to each moment a change is due.
        _time.Advance(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([(TimeSpan.Zero, "alice", true), (TimeSpan.FromSeconds(1), "alice", false)], _published);
    }

    [Fact]
    public void Start_stop_start_within_a_second_publishes_one_start()
    {
        _typing.Set("alice", true);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _typing.Set("alice", false);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _typing.Set("alice", true);

        _time.Advance(TimeSpan.FromMilliseconds(2000));

        Assert.Equal([(TimeSpan.Zero, "alice", true)], _published);
    }

    [Fact]
    public void A_start_after_a_published_stop_waits_for_the_rest_of_the_second()
    {
        _typing.Set("alice", true);
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        _typing.Set("alice", false);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _typing.Set("alice", true);

        _time.Advance(TimeSpan.FromMilliseconds(799));
        Assert.Equal(2, _published.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(
            [
                (TimeSpan.Zero, "alice", true),
                (TimeSpan.FromMilliseconds(1500), "alice", false),
                (TimeSpan.FromMilliseconds(2500), "alice", true),
            ],
            _published);
    }

    [Fact]
    public void A_start_without_a_stop_is_followed_by_a_stop_after_the_timeout()
    {
        _typing.Set("alice", true);

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Single(_published);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([(TimeSpan.Zero, "alice", true), (Timeout, "alice", false)], _published);
    }

    [Fact]
    public void Starting_again_while_typing_restarts_the_timeout_and_publishes_nothing()
    {
        _typing.Set("alice", true);
        _time.Advance(TimeSpan.FromSeconds(4));
        _typing.Set("alice", true);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_published);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([(TimeSpan.Zero, "alice", true), (TimeSpan.FromSeconds(10), "alice", false)], _published);
    }

    [Fact]
    public void Each_user_has_a_second_of_their_own()
    {
        _typing.Set("alice", true);
        _typing.Set("bob", true);
        _typing.Set("alice", false);
        _typing.Set("bob", false);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(
            [
                (TimeSpan.Zero, "alice", true),
                (TimeSpan.Zero, "bob", true),
                (TimeSpan.FromSeconds(1), "alice", false),
                (TimeSpan.FromSeconds(1), "bob", false),
            ],
            _published);
    }

    [Fact]
    public void A_stop_from_someone_who_was_not_typing_publishes_nothing()
    {
        _typing.Set("alice", false);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(_published);
    }
}
