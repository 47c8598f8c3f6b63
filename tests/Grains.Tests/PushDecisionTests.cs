using OrleansChat.Persistence;

namespace OrleansChat.Grains.Tests;

/// <summary>The room's push decision per member (<see cref="MemberReachabilityCache"/>): mute, block, and mentions.</summary>
public sealed class PushDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly List<MemberState> Members = [Member("sender"), Member("reader")];

    [Fact]
    public void A_mention_reaches_a_member_who_muted_the_chat()
    {
        var cache = Cache(Reader(new ChatSettings(true, null), blocked: []));

        Assert.Empty(cache.PushTargets(Members, "sender", [], Now));
        Assert.Equal([new PushTarget("reader", "phone")], cache.PushTargets(Members, "sender", ["reader"], Now));
    }

    [Fact]
    public void A_mention_does_not_pass_a_block()
    {
        var cache = Cache(Reader(ChatSettings.Unmuted, blocked: ["sender"]));

        Assert.Empty(cache.PushTargets(Members, "sender", ["reader"], Now));
    }

    [Fact]
    public void A_mute_stops_at_its_end()
    {
        var cache = Cache(Reader(new ChatSettings(true, Now.AddMinutes(5)), blocked: []));

        Assert.Empty(cache.PushTargets(Members, "sender", [], Now.AddMinutes(5).AddTicks(-1)));
        Assert.Equal([new PushTarget("reader", "phone")], cache.PushTargets(Members, "sender", [], Now.AddMinutes(5)));
    }

    private static MemberReachabilityCache Cache(MemberReachability reader)
    {
        var cache = new MemberReachabilityCache();
        cache.Set(reader);
        return cache;
    }

    private static MemberReachability Reader(ChatSettings settings, string[] blocked) =>
        new("reader", Connected: false, ["phone"], Version: 1, settings, blocked);

    private static MemberState Member(string userId) => new() { UserId = userId };
}
