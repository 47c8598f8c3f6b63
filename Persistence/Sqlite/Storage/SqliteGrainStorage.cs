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
/// and any mismatch throws <see cref="InconsistentStateException"/>. Reads go straight to the file; writes and clears go
/// through the silo's one <see cref="SqliteGrainStateWriter"/>, which commits the ones waiting together.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly SqliteDatabase _database;
    private readonly SqliteGrainStateWriter _writer;
    private readonly IGrainStorageSerializer _serializer;
    private readonly TimeProvider _timeProvider;

    internal SqliteGrainStorage(
        string name, SqliteDatabase database, SqliteGrainStateWriter writer, IGrainStorageSerializer serializer, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _name = name;
        _database = database;
        _writer = writer;
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
        var change = GrainStateChange.Write(stateName, grainId.ToString(), ParseETag(expected), payload, now);
        var outcome = await _writer.ChangeAsync(change, cancellationToken).ConfigureAwait(false);
        if (!outcome.Matched || outcome.Version is not { } version)
        {
            throw Mismatch("write", stateName, grainId, expected, outcome.Version);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = true;
    }

    /// <summary>Deletes the row at the grain's ETag, then resets the state to a new instance with no ETag.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = grainState.ETag;
        var change = GrainStateChange.Clear(stateName, grainId.ToString(), ParseETag(expected));
        var outcome = await _writer.ChangeAsync(change, cancellationToken).ConfigureAwait(false);
        if (!outcome.Matched)
        {
            throw Mismatch("clear", stateName, grainId, expected, outcome.Version);
        }

        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private InconsistentStateException Mismatch(string operation, string stateName, GrainId grainId, string? expected, long? stored)
    {
        var storedETag = stored is { } version ? FormatETag(version) : null;
        return new InconsistentStateException(
            $"Grain storage '{_name}' refused to {operation} state '{stateName}' of {grainId}: the grain has ETag '{expected ?? "none"}', the store has '{storedETag ?? "none"}'.",
            storedETag ?? string.Empty,
            expected ?? string.Empty);
    }

    /// <summary>The version an ETag names; an ETag this store did not make names none that exists (versions start at 1).</summary>
    private static long? ParseETag(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : 0;

    private static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

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
