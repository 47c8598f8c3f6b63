using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// A chat's message ids sort in seq order even when its room moves to a silo whose clock is an hour behind the silo
/// that stored the earlier messages (PROTOCOL.md 1: "even across restarts, failovers and silos whose clocks disagree").
/// </summary>
[Collection(SharedClockBehindCluster.Name)]
public sealed class ClockBehindTests(ClockBehindClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Ids_stored_after_the_room_moves_to_a_silo_whose_clock_is_behind_sort_after_the_earlier_ones()
    {
        var (ownerId, memberId) = (NewUserId(), NewUserId());
        var room = await NewGroup(ownerId, memberId);
        var cluster = Fixture.Cluster;
        var onTime = cluster.Silos.Single(s => s.Name != ClockBehindClusterFixture.SiloBehind).SiloAddress;
        var behind = cluster.Silos.Single(s => s.Name == ClockBehindClusterFixture.SiloBehind).SiloAddress;

        await MoveTo(room, onTime);
        var before = await room.SendBatch([.. Enumerable.Range(0, 50).Select(i => Command(ownerId, $"before {i}"))]);
        await MoveTo(room, behind);
        var after = await room.SendBatch([.. Enumerable.Range(0, 50).Select(i => Command(memberId, $"after {i}"))]);

        Assert.All(before.Concat(after), o => Assert.NotNull(o.Ack));
        var acks = before.Concat(after).Select(o => o.Ack!).ToArray();
        Assert.True(acks[^1].SentAt < acks[0].SentAt - TimeSpan.FromMinutes(59), "the later messages were stored by the silo whose clock is behind");
        var history = await AllMessages(room, ownerId);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), history.Select(m => m.Seq));
        Assert.Equal(history.Select(m => m.MessageId.ToString()).Order(StringComparer.Ordinal), history.Select(m => m.MessageId.ToString()));
        Assert.Equal(acks.Select(a => (a.Seq, a.MessageId)), history.Select(m => (m.Seq, m.MessageId)));
    }

    private async Task MoveTo(IChatRoomGrain room, SiloAddress silo)
    {
        if (!Fixture.Cluster.TryGetGrainContext(room.GetGrainId(), out var context) || !silo.Equals(context!.Address.SiloAddress))
        {
            await Fixture.Cluster.MigrateAsync(room, silo);
        }

        // The next call activates the room where the placement hint sent it; prove it is there.
        await room.GetChat(NewUserId()).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(Fixture.Cluster.TryGetGrainContext(room.GetGrainId(), out var moved));
        Assert.Equal(silo, moved!.Address.SiloAddress);
    }

    private static SendCommand Command(string senderId, string content) => new(senderId, NewClientMsgId(), content);
}

/// <summary>Two silos, the second of which reads its clock an hour behind the first.</summary>
public sealed class ClockBehindClusterFixture : ChatClusterFixture
{
    public const string SiloBehind = "Silo_1";

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((options, silo) =>
        {
            if (options.SiloName == SiloBehind)
            {
                silo.Services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(TimeSpan.FromHours(-1)));
            }
        });

    /// <summary>The system clock, shifted.</summary>
    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClockBehindCluster : ICollectionFixture<ClockBehindClusterFixture>
{
    public const string Name = "Chat cluster with a silo whose clock is behind";
}
