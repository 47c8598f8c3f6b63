using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// Orleans' own ADO.NET providers (invariant Npgsql) running on the project's PostgreSQL schema and OrleansQuery
/// statements: membership, grain state with etags, and the reminder table.
/// </summary>
public sealed class OrleansAdoNetProviderTests(PostgresSiloFixture silo) : IClassFixture<PostgresSiloFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- membership ------------------------------------------------------------------------------

    [Fact]
    public async Task A_silo_on_ado_net_clustering_is_active_in_the_membership_table()
    {
        var membership = silo.Get<IMembershipTable>();
        var self = silo.Get<ILocalSiloDetails>();

        var table = await membership.ReadAllAsync(Ct);

        // Other tests of this class add rows of dead silos to the same table; the one active silo is this one.
        var entry = Assert.Single(table.Members, m => m.Item1.Status == SiloStatus.Active).Item1;
        Assert.Equal(self.SiloAddress, entry.SiloAddress);
        Assert.Equal(entry.SiloAddress, Assert.Single((await membership.ReadRowAsync(self.SiloAddress, Ct)).Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task Inserting_a_membership_row_against_a_stale_table_version_is_refused()
    {
        var membership = silo.Get<IMembershipTable>();
        var read = await membership.ReadAllAsync(Ct);

        var first = await membership.InsertRowAsync(DeadSilo(1), read.Version.Next(), Ct);
        var second = await membership.InsertRowAsync(DeadSilo(2), read.Version.Next(), Ct);

        Assert.True(first);
        Assert.False(second);
        var after = await membership.ReadAllAsync(Ct);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        Assert.Contains(after.Members, m => m.Item1.SiloAddress.Equals(DeadSilo(1).SiloAddress));
        Assert.DoesNotContain(after.Members, m => m.Item1.SiloAddress.Equals(DeadSilo(2).SiloAddress));
    }

    [Fact]
    public async Task Updating_a_membership_row_against_a_stale_table_version_is_refused()
    {
        var membership = silo.Get<IMembershipTable>();
        var entry = DeadSilo(3);
        var read = await membership.ReadAllAsync(Ct);
        Assert.True(await membership.InsertRowAsync(entry, read.Version.Next(), Ct));
        var current = await membership.ReadAllAsync(Ct);
        entry.SuspectTimes = [Tuple.Create(DeadSilo(4).SiloAddress, DateTime.UtcNow)];

        var etag = current.Members.Single(m => m.Item1.SiloAddress.Equals(entry.SiloAddress)).Item2;

        var stale = await membership.UpdateRowAsync(entry, etag, read.Version.Next(), Ct);
        var fresh = await membership.UpdateRowAsync(entry, etag, current.Version.Next(), Ct);

        Assert.False(stale);
        Assert.True(fresh);
        var stored = Assert.Single((await membership.ReadRowAsync(entry.SiloAddress, Ct)).Members).Item1;
        Assert.Equal(DeadSilo(4).SiloAddress, Assert.Single(stored.SuspectTimes!).Item1);
    }

    // ---- grain state -----------------------------------------------------------------------------

    [Fact]
    public async Task Written_grain_state_reads_back_with_its_etag_as_json()
    {
        var storage = Storage();
        var grain = NewGrainId();
        var written = new GrainState<CounterState>(new CounterState { Count = 3, Names = ["alice", "bob"] });

        await storage.WriteStateAsync("counter", grain, written);
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", grain, read);

        Assert.Equal((3, "alice,bob", true), (read.State!.Count, string.Join(',', read.State!.Names), read.RecordExists));
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("{", (await Payload(grain))[..1]);
    }

    [Fact]
    public async Task Two_writers_of_a_new_grain_state_the_second_gets_an_InconsistentStateException()
    {
        var storage = Storage();
        var grain = NewGrainId();
        var first = new GrainState<CounterState>(new CounterState { Count = 1 });
        var second = new GrainState<CounterState>(new CounterState { Count = 2 });

        await storage.WriteStateAsync("counter", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, second));
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", grain, read);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_gets_an_InconsistentStateException_and_changes_nothing()
    {
        var storage = Storage();
        var grain = NewGrainId();
        var writer = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync("counter", grain, writer);
        var stale = new GrainState<CounterState>(new CounterState { Count = 99 }) { ETag = writer.ETag };
        writer.State!.Count = 2;
        await storage.WriteStateAsync("counter", grain, writer);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, stale));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", grain, read);
        Assert.Equal((2, writer.ETag), (read.State!.Count, read.ETag));
    }

    [Fact]
    public async Task Cleared_state_reads_as_absent_and_can_be_written_again()
    {
        var storage = Storage();
        var grain = NewGrainId();
        var state = new GrainState<CounterState>(new CounterState { Count = 5 });
        await storage.WriteStateAsync("counter", grain, state);

        await storage.ClearStateAsync("counter", grain, state);
        var cleared = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", grain, cleared);
        state.State = new CounterState { Count = 6 };
        await storage.WriteStateAsync("counter", grain, state);
        var rewritten = new GrainState<CounterState>();
        await storage.ReadStateAsync("counter", grain, rewritten);

        Assert.Equal((0, false), (cleared.State!.Count, cleared.RecordExists));
        Assert.Equal((6, true), (rewritten.State!.Count, rewritten.RecordExists));
    }

    [Fact]
    public async Task States_of_different_grains_and_of_different_state_names_are_kept_apart()
    {
        var storage = Storage();
        var grain = NewGrainId();
        var other = NewGrainId();
        var integerKeyed = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(42, "ext"));

        await storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(new CounterState { Count = 1 }));
        await storage.WriteStateAsync("tally", grain, new GrainState<CounterState>(new CounterState { Count = 2 }));
        await storage.WriteStateAsync("counter", other, new GrainState<CounterState>(new CounterState { Count = 3 }));
        await storage.WriteStateAsync("counter", integerKeyed, new GrainState<CounterState>(new CounterState { Count = 4 }));

        int[] counts =
        [
            await Count(storage, "counter", grain),
            await Count(storage, "tally", grain),
            await Count(storage, "counter", other),
            await Count(storage, "counter", integerKeyed),
        ];

        Assert.Equal([1, 2, 3, 4], counts);
    }

    // ---- reminders -------------------------------------------------------------------------------

    [Fact]
    public async Task An_upserted_reminder_reads_back_and_every_upsert_gives_a_new_etag()
    {
        var reminders = silo.Get<IReminderTable>();
        var grain = NewGrainId();
        var start = new DateTime(2026, 11, 22, 10, 0, 0, 123, DateTimeKind.Utc);

        var first = await reminders.UpsertRow(Reminder(grain, "tick", start, TimeSpan.FromMinutes(1)), Ct);
        var second = await reminders.UpsertRow(Reminder(grain, "tick", start, TimeSpan.FromMinutes(2)), Ct);
        var read = await reminders.ReadRow(grain, "tick", Ct);

        Assert.NotEqual(first, second);
        Assert.NotNull(read);
        Assert.Equal((grain, "tick", start, TimeSpan.FromMinutes(2), second), (read.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));
        Assert.Equal(["tick"], (await reminders.ReadRows(grain, Ct)).Reminders.Select(r => r.ReminderName));
    }

    [Fact]
    public async Task Removing_a_reminder_needs_its_current_etag()
    {
        var reminders = silo.Get<IReminderTable>();
        var grain = NewGrainId();
        var stale = await reminders.UpsertRow(Reminder(grain, "tick", DateTime.UtcNow, TimeSpan.FromMinutes(1)), Ct);
        var current = await reminders.UpsertRow(Reminder(grain, "tick", DateTime.UtcNow, TimeSpan.FromMinutes(1)), Ct);

        Assert.False(await reminders.RemoveRow(grain, "tick", stale!, Ct));
        Assert.True(await reminders.RemoveRow(grain, "tick", current!, Ct));
        Assert.Null(await reminders.ReadRow(grain, "tick", Ct));
    }

    [Fact]
    public async Task Reading_a_hash_range_returns_the_reminders_whose_grain_hash_lies_in_it()
    {
        var reminders = silo.Get<IReminderTable>();
        var grain = NewGrainId();
        await reminders.UpsertRow(Reminder(grain, "tick", DateTime.UtcNow, TimeSpan.FromMinutes(1)), Ct);
        var hash = grain.GetUniformHashCode();

        var around = await reminders.ReadRows(hash - 1, hash, Ct);
        var after = await reminders.ReadRows(hash, hash + 1, Ct);
        var wholeRing = await reminders.ReadRows(hash, hash, Ct);

        Assert.Contains(around.Reminders, r => r.GrainId == grain);
        Assert.DoesNotContain(after.Reminders, r => r.GrainId == grain);
        Assert.Contains(wholeRing.Reminders, r => r.GrainId == grain);
    }

    // ---- builders ---------------------------------------------------------------------------------

    private IGrainStorage Storage() => silo.Services.GetRequiredKeyedService<IGrainStorage>(PostgresSiloFixture.StorageName);

    private static GrainId NewGrainId() => GrainId.Create("counter", "g-" + Guid.NewGuid().ToString("N"));

    private static MembershipEntry DeadSilo(int generation) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, 9, generation),
        SiloName = $"gone-{generation}",
        HostName = "nowhere",
        Status = SiloStatus.Dead,
        ProxyPort = 0,
        StartTime = DateTime.UtcNow,
        IAmAliveTime = DateTime.UtcNow,
    };

    private static ReminderEntry Reminder(GrainId grain, string name, DateTime start, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = start, Period = period };

    private static async Task<int> Count(IGrainStorage storage, string stateName, GrainId grain)
    {
        var state = new GrainState<CounterState>();
        await storage.ReadStateAsync(stateName, grain, state);
        return state.State!.Count;
    }

    private async Task<string> Payload(GrainId grain)
    {
        await using var connection = new NpgsqlConnection(silo.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state WHERE grain_id_ext = $1;", connection)
        {
            Parameters = { new NpgsqlParameter { Value = grain.Key.ToString() } },
        };
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    public sealed class CounterState
    {
        public int Count { get; set; }

        public List<string> Names { get; set; } = [];
    }
}
