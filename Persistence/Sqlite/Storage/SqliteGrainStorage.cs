using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// Orleans grain storage over the <c>grain_state</c> table of <c>chat.db</c>, one row per
/// (state name, <c>grainId.ToString()</c>). The payload is what the silo's <see cref="IGrainStorageSerializer"/>
/// writes, kept as text when it is UTF-8 (JSON) and as a blob otherwise. The ETag is the row's version
/// number: a write without ETag inserts, a write or clear with an ETag succeeds only on that version,
/// and any mismatch throws <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly SqliteDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly TimeProvider _timeProvider;

    public SqliteGrainStorage(string name, SqliteDatabase database, IGrainStorageSerializer serializer, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _name = name;
        _database = database;
        _serializer = serializer;
        _timeProvider = timeProvider;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <summary>Loads the stored state; a missing row leaves the state as it is, with no ETag and RecordExists false.</summary>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("SELECT etag, payload FROM grain_state WHERE state_name = $stateName AND grain_id = $grainId;")
                .With("$stateName", stateName)
                .With("$grainId", grainId.ToString());
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        grainState.ETag = null;
                        grainState.RecordExists = false;
                        return;
                    }

                    var etag = reader.GetInt64(0);
                    grainState.State = _serializer.Deserialize<T>(ToBinaryData(reader.GetValue(1)));
                    grainState.ETag = FormatETag(etag);
                    grainState.RecordExists = true;
                }
            }
        }
    }

    /// <summary>Inserts (no ETag) or updates the row at the grain's ETag, then sets the new ETag.</summary>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = ToColumnValue(_serializer.Serialize(grainState.State));
        var now = UnixTime.ToMilliseconds(_timeProvider.GetUtcNow());
        var expected = grainState.ETag;

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            long? written = null;
            if (expected is null)
            {
                var insert = connection.Command(
                        """
                        INSERT INTO grain_state (state_name, grain_id, etag, payload, updated_at)
                        VALUES ($stateName, $grainId, 1, $payload, $now)
                        ON CONFLICT (state_name, grain_id) DO NOTHING;
                        """)
                    .With("$stateName", stateName)
                    .With("$grainId", grainId.ToString())
                    .With("$payload", payload)
                    .With("$now", now);
                await using (insert.ConfigureAwait(false))
                {
                    written = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? 1 : null;
                }
            }
            else if (TryParseETag(expected, out var version))
            {
                var update = connection.Command(
                        """
                        UPDATE grain_state SET etag = etag + 1, payload = $payload, updated_at = $now
                        WHERE state_name = $stateName AND grain_id = $grainId AND etag = $etag
                        RETURNING etag;
                        """)
                    .With("$stateName", stateName)
                    .With("$grainId", grainId.ToString())
                    .With("$payload", payload)
                    .With("$now", now)
                    .With("$etag", version);
                await using (update.ConfigureAwait(false))
                {
                    written = (long?)await update.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (written is not { } etag)
            {
                throw await MismatchAsync(connection, "write", stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
            }

            grainState.ETag = FormatETag(etag);
            grainState.RecordExists = true;
        }
    }

    /// <summary>Deletes the row at the grain's ETag, then resets the state to a new instance with no ETag.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = grainState.ETag;

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            bool matched;
            if (expected is null)
            {
                // Nothing was stored as far as the grain knows: that is right only if no row exists.
                matched = await ReadETagAsync(connection, stateName, grainId, cancellationToken).ConfigureAwait(false) is null;
            }
            else if (TryParseETag(expected, out var version))
            {
                var delete = connection.Command("DELETE FROM grain_state WHERE state_name = $stateName AND grain_id = $grainId AND etag = $etag;")
                    .With("$stateName", stateName)
                    .With("$grainId", grainId.ToString())
                    .With("$etag", version);
                await using (delete.ConfigureAwait(false))
                {
                    matched = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            }
            else
            {
                matched = false;
            }

            if (!matched)
            {
                throw await MismatchAsync(connection, "clear", stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
            }
        }

        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<InconsistentStateException> MismatchAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, string operation, string stateName, GrainId grainId, string? expected, CancellationToken cancellationToken)
    {
        var stored = await ReadETagAsync(connection, stateName, grainId, cancellationToken).ConfigureAwait(false);
        return new InconsistentStateException(
            $"Grain storage '{_name}' refused to {operation} state '{stateName}' of {grainId}: the grain has ETag '{expected ?? "none"}', the store has '{stored ?? "none"}'.",
            stored ?? string.Empty,
            expected ?? string.Empty);
    }

    private static async Task<string?> ReadETagAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        var command = connection.Command("SELECT etag FROM grain_state WHERE state_name = $stateName AND grain_id = $grainId;")
            .With("$stateName", stateName)
            .With("$grainId", grainId.ToString());
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long etag ? FormatETag(etag) : null;
        }
    }

    private static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseETag(string etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    /// <summary>JSON (any UTF-8) is kept as text, anything else as a blob.</summary>
    private static object ToColumnValue(BinaryData data)
    {
        var bytes = data.ToMemory().Span;
        return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : bytes.ToArray();
    }

    private static BinaryData ToBinaryData(object value) => value switch
    {
        string text => BinaryData.FromString(text),
        byte[] bytes => BinaryData.FromBytes(bytes),
        _ => throw new InvalidOperationException($"Unexpected grain state payload of type {value.GetType()}."),
    };

    private static T CreateDefault<T>() =>
        typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default!;
}
