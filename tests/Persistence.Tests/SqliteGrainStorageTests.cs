using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Tests;

public sealed class SqliteGrainStorageTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase _files = new();
    private readonly SqliteGrainStateWriter _writer;
    private readonly SqliteGrainStorage _storage;

    public SqliteGrainStorageTests()
    {
        var serializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        _writer = new SqliteGrainStateWriter(_files.Database, Options.Create(new StorageOptions()));
        _storage = new SqliteGrainStorage("chat", _files.Database, _writer, serializer, TimeProvider.System);
    }

    private static GrainId Alice { get; } = GrainId.Create("user", "alice");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Reading_a_missing_state_leaves_the_default_state_and_no_record()
    {
        var state = new GrainState<ProfileState>(new ProfileState());

        await _storage.ReadStateAsync("profile", Alice, state, Ct);

        Assert.Equal((string.Empty, 0), (state.State!.Name, state.State!.Rooms.Count));
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task A_written_state_reads_back_with_its_etag()
    {
        var written = new GrainState<ProfileState>(new ProfileState { Name = "Alice", Rooms = ["general", "random"] });
        await _storage.WriteStateAsync("profile", Alice, written, Ct);

        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, read, Ct);

        Assert.Equal(("1", true), (written.ETag, written.RecordExists));
        Assert.Equal(("Alice", "1", true), (read.State!.Name, read.ETag, read.RecordExists));
        Assert.Equal(["general", "random"], read.State.Rooms);
    }

    [Fact]
    public async Task Writing_with_the_current_etag_stores_the_state_and_advances_the_etag()
    {
        var state = new GrainState<ProfileState>(new ProfileState { Name = "Alice" });
        await _storage.WriteStateAsync("profile", Alice, state, Ct);

        state.State!.Name = "Alice Liddell";
        await _storage.WriteStateAsync("profile", Alice, state, Ct);

        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, read, Ct);
        Assert.Equal("2", state.ETag);
        Assert.Equal(("Alice Liddell", "2"), (read.State!.Name, read.ETag));
    }

    [Fact]
    public async Task Writing_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_stored_state()
    {
        var first = new GrainState<ProfileState>(new ProfileState { Name = "first" });
        await _storage.WriteStateAsync("profile", Alice, first, Ct);
        var stale = new GrainState<ProfileState>(new ProfileState { Name = "stale" }, first.ETag);
        await _storage.WriteStateAsync("profile", Alice, first, Ct);

        var failure = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("profile", Alice, stale, Ct));

        Assert.Equal(("2", "1"), (failure.StoredEtag, failure.CurrentEtag));
        Assert.Equal("1", stale.ETag);
        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, read, Ct);
        Assert.Equal(("first", "2"), (read.State!.Name, read.ETag));
    }

    [Fact]
    public async Task Writing_without_an_etag_over_a_stored_state_throws_InconsistentStateException()
    {
        await _storage.WriteStateAsync("profile", Alice, new GrainState<ProfileState>(new ProfileState { Name = "first" }), Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _storage.WriteStateAsync("profile", Alice, new GrainState<ProfileState>(new ProfileState { Name = "second" }), Ct));
    }

    [Fact]
    public async Task Writing_with_an_etag_when_nothing_is_stored_throws_InconsistentStateException()
    {
        var state = new GrainState<ProfileState>(new ProfileState { Name = "ghost" }, "3");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("profile", Alice, state, Ct));
    }

    [Fact]
    public async Task Clearing_removes_the_record_and_resets_the_state()
    {
        var state = new GrainState<ProfileState>(new ProfileState { Name = "Alice", Rooms = ["general"] });
        await _storage.WriteStateAsync("profile", Alice, state, Ct);

        await _storage.ClearStateAsync("profile", Alice, state, Ct);

        Assert.Equal((string.Empty, 0, (string?)null, false), (state.State!.Name, state.State!.Rooms.Count, state.ETag, state.RecordExists));
        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, read, Ct);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_cleared_state_can_be_written_again()
    {
        var state = new GrainState<ProfileState>(new ProfileState { Name = "Alice" });
        await _storage.WriteStateAsync("profile", Alice, state, Ct);
        await _storage.ClearStateAsync("profile", Alice, state, Ct);

        state.State!.Name = "Alice again";
        await _storage.WriteStateAsync("profile", Alice, state, Ct);

        Assert.Equal(("1", true), (state.ETag, state.RecordExists));
    }

    [Fact]
    public async Task Clearing_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_record()
    {
        var state = new GrainState<ProfileState>(new ProfileState { Name = "Alice" });
        await _storage.WriteStateAsync("profile", Alice, state, Ct);
        var stale = new GrainState<ProfileState>(new ProfileState(), state.ETag);
        await _storage.WriteStateAsync("profile", Alice, state, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync("profile", Alice, stale, Ct));

        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, read, Ct);
        Assert.Equal(("Alice", "2"), (read.State!.Name, read.ETag));
    }

    [Fact]
    public async Task States_are_kept_apart_by_state_name_and_grain()
    {
        var bob = GrainId.Create("user", "bob");
        await _storage.WriteStateAsync("profile", Alice, new GrainState<ProfileState>(new ProfileState { Name = "alice profile" }), Ct);
        await _storage.WriteStateAsync("settings", Alice, new GrainState<ProfileState>(new ProfileState { Name = "alice settings" }), Ct);
        await _storage.WriteStateAsync("profile", bob, new GrainState<ProfileState>(new ProfileState { Name = "bob profile" }), Ct);

        var names = new List<string>();
        foreach (var (stateName, grain) in new[] { ("profile", Alice), ("settings", Alice), ("profile", bob) })
        {
            var read = new GrainState<ProfileState>(new ProfileState());
            await _storage.ReadStateAsync(stateName, grain, read, Ct);
            names.Add(read.State!.Name);
        }

        Assert.Equal(["alice profile", "alice settings", "bob profile"], names);
    }

    [Fact]
    public async Task Writes_of_many_grains_at_once_all_commit_and_a_stale_one_among_them_fails_alone()
    {
        var first = new GrainState<ProfileState>(new ProfileState { Name = "first" });
        await _storage.WriteStateAsync("profile", Alice, first, Ct);
        var stale = new GrainState<ProfileState>(new ProfileState { Name = "stale" }, "7");
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("user", $"u{i}")).ToList();

        // Queued together: the writer merges what waits into shared transactions.
        var writes = grains.Select(g => _storage.WriteStateAsync("profile", g, new GrainState<ProfileState>(new ProfileState { Name = g.ToString() }), Ct)).ToList();
        var staleWrite = _storage.WriteStateAsync("profile", Alice, stale, Ct);
        var failure = await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(writes);

        Assert.Equal(("1", "7"), (failure.StoredEtag, failure.CurrentEtag));
        foreach (var grain in grains)
        {
            var read = new GrainState<ProfileState>(new ProfileState());
            await _storage.ReadStateAsync("profile", grain, read, Ct);
            Assert.Equal((grain.ToString(), "1"), (read.State!.Name, read.ETag));
        }

        var alice = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", Alice, alice, Ct);
        Assert.Equal(("first", "1"), (alice.State!.Name, alice.ETag));
    }

    [Fact]
    public async Task Writes_queued_when_the_writer_stops_are_still_committed_and_later_ones_are_refused()
    {
        var writes = Enumerable.Range(0, 50)
            .Select(i => _storage.WriteStateAsync("profile", GrainId.Create("user", $"q{i}"), new GrainState<ProfileState>(new ProfileState { Name = "queued" }), Ct))
            .ToList();

        await _writer.DisposeAsync();

        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            _storage.WriteStateAsync("profile", Alice, new GrainState<ProfileState>(new ProfileState { Name = "late" }), Ct));
        var read = new GrainState<ProfileState>(new ProfileState());
        await _storage.ReadStateAsync("profile", GrainId.Create("user", "q49"), read, Ct);
        Assert.Equal(("queued", true), (read.State!.Name, read.RecordExists));
    }

    [Fact]
    public async Task The_state_is_stored_as_json_text_under_the_grain_id()
    {
        await _storage.WriteStateAsync("profile", Alice, new GrainState<ProfileState>(new ProfileState { Name = "Alice" }), Ct);

        await using var connection = await _files.Database.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id, typeof(payload), payload FROM grain_state WHERE state_name = 'profile';";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal((Alice.ToString(), "text"), (reader.GetString(0), reader.GetString(1)));
        Assert.Contains("\"Alice\"", reader.GetString(2), StringComparison.Ordinal);
    }
}

public sealed class ProfileState
{
    public string Name { get; set; } = string.Empty;

    public List<string> Rooms { get; set; } = [];
}
