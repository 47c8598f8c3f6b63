using Microsoft.Data.Sqlite;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>What a grain-state change came to: whether the row was at the expected version, and its version now.</summary>
/// <param name="Matched">False when the row was not at the expected version (or existed when none was expected): nothing changed.</param>
/// <param name="Version">The row's version after the change (null when deleted, or when nothing is stored).</param>
internal readonly record struct GrainStateOutcome(bool Matched, long? Version);

/// <summary>
/// One change to a row of <c>grain_state</c>, written by <see cref="SqliteGrainStateWriter"/> inside its transaction: a
/// write (an insert when no version is expected, else an update at that version) or a clear (a delete at that version;
/// with none expected, right only if no row exists).
/// </summary>
internal sealed class GrainStateChange
{
    private GrainStateChange(bool clear, string stateName, string grainId, long? expected, object? payload, long now)
    {
        IsClear = clear;
        StateName = stateName;
        GrainId = grainId;
        Expected = expected;
        Payload = payload;
        Now = now;
    }

    public bool IsClear { get; }

    public string StateName { get; }

    public string GrainId { get; }

    /// <summary>The version the grain last saw; null when it saw none.</summary>
    public long? Expected { get; }

    public object? Payload { get; }

    public long Now { get; }

    /// <summary>Set by the writer when it queues the change.</summary>
    public CancellationToken CancellationToken { get; set; }

    public TaskCompletionSource<GrainStateOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static GrainStateChange Write(string stateName, string grainId, long? expected, object payload, long now) =>
        new(clear: false, stateName, grainId, expected, payload, now);

    public static GrainStateChange Clear(string stateName, string grainId, long? expected) =>
        new(clear: true, stateName, grainId, expected, payload: null, now: 0);

    public async Task<GrainStateOutcome> ApplyAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (IsClear)
        {
            if (Expected is not { } version)
            {
                // Nothing was stored as far as the grain knows: that is right only if no row exists.
                var stored = await ReadVersionAsync(connection, transaction).ConfigureAwait(false);
                return new GrainStateOutcome(stored is null, stored);
            }

            var delete = connection.Command("DELETE FROM grain_state WHERE state_name = $stateName AND grain_id = $grainId AND etag = $etag;", transaction)
                .With("$stateName", StateName)
                .With("$grainId", GrainId)
                .With("$etag", version);
            await using (delete.ConfigureAwait(false))
            {
                return await delete.ExecuteNonQueryAsync().ConfigureAwait(false) == 1
                    ? new GrainStateOutcome(true, null)
                    : new GrainStateOutcome(false, await ReadVersionAsync(connection, transaction).ConfigureAwait(false));
            }
        }

        var command = (Expected is { } expected
                ? connection.Command(
                        """
                        UPDATE grain_state SET etag = etag + 1, payload = $payload, updated_at = $now
                        WHERE state_name = $stateName AND grain_id = $grainId AND etag = $etag
                        RETURNING etag;
                        """,
                        transaction)
                    .With("$etag", expected)
                : connection.Command(
                    """
                    INSERT INTO grain_state (state_name, grain_id, etag, payload, updated_at)
                    VALUES ($stateName, $grainId, 1, $payload, $now)
                    ON CONFLICT (state_name, grain_id) DO NOTHING
                    RETURNING etag;
                    """,
                    transaction))
            .With("$stateName", StateName)
            .With("$grainId", GrainId)
            .With("$payload", Payload)
            .With("$now", Now);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync().ConfigureAwait(false) is long written
                ? new GrainStateOutcome(true, written)
                : new GrainStateOutcome(false, await ReadVersionAsync(connection, transaction).ConfigureAwait(false));
        }
    }

    /// <summary>The row's version as stored now; null when there is no row.</summary>
    public async Task<long?> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var command = connection.Command("SELECT etag FROM grain_state WHERE state_name = $stateName AND grain_id = $grainId;", transaction)
            .With("$stateName", StateName)
            .With("$grainId", GrainId);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync().ConfigureAwait(false) as long?;
        }
    }
}
