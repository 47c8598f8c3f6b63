namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The project's own tables and statements behind Orleans' ADO.NET providers. The providers read their SQL
/// from <c>OrleansQuery</c> (they select <c>QueryKey, QueryText</c> from it by that name) and call each statement
/// with fixed parameter names (<c>@DeploymentId</c>, <c>@GrainIdHash</c>, ...), reading result columns by name
/// (<c>"Version"</c>, <c>"PayloadBinary"</c>, ...) or, for yes/no answers, one column holding a count.
/// Written for this project against that contract; times are <c>timestamptz</c>, etags are integer versions.
/// </summary>
internal static class OrleansSchema
{
    /// <summary>The query table and the membership statements of <c>UseAdoNetClustering</c> (silos and clients).</summary>
    public const string QueriesAndMembership = """
        CREATE TABLE OrleansQuery (
            QueryKey  varchar(64) NOT NULL PRIMARY KEY,
            QueryText text        NOT NULL
        );

        CREATE TABLE orleans_membership_version (
            deployment_id text        NOT NULL PRIMARY KEY,
            version       integer     NOT NULL,
            updated_at    timestamptz NOT NULL
        );

        CREATE TABLE orleans_membership (
            deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id),
            address         text        NOT NULL,
            port            integer     NOT NULL,
            generation      integer     NOT NULL,
            silo_name       text        NOT NULL,
            host_name       text        NOT NULL,
            status          integer     NOT NULL,
            proxy_port      integer     NOT NULL,
            suspect_times   text        NULL,
            start_time      timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('InsertMembershipVersionKey', $sql$
            WITH created AS (
                INSERT INTO orleans_membership_version (deployment_id, version, updated_at)
                VALUES (@DeploymentId, 0, now())
                ON CONFLICT (deployment_id) DO NOTHING
                RETURNING deployment_id)
            SELECT count(*)::integer FROM created;
        $sql$),
        ('MembershipReadAllKey', $sql$
            SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                   m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM orleans_membership_version AS v
            LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId;
        $sql$),
        ('MembershipReadRowKey', $sql$
            SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                   m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM orleans_membership_version AS v
            LEFT JOIN orleans_membership AS m
                   ON m.deployment_id = v.deployment_id
                  AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deployment_id = @DeploymentId;
        $sql$),
        ('InsertMembershipKey', $sql$
            WITH bumped AS (
                UPDATE orleans_membership_version
                SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (
                      SELECT 1 FROM orleans_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            inserted AS (
                INSERT INTO orleans_membership
                    (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1)
            SELECT count(*)::integer FROM inserted;
        $sql$),
        ('UpdateMembershipKey', $sql$
            WITH bumped AS (
                UPDATE orleans_membership_version
                SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (
                      SELECT 1 FROM orleans_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            changed AS (
                UPDATE orleans_membership AS m
                SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM bumped
                WHERE m.deployment_id = bumped.deployment_id
                  AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                RETURNING 1)
            SELECT count(*)::integer FROM changed;
        $sql$),
        ('UpdateIAmAlivetimeKey', $sql$
            UPDATE orleans_membership
            SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
        $sql$),
        ('DeleteMembershipTableEntriesKey', $sql$
            DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
        $sql$),
        ('GatewaysQueryKey', $sql$
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
        $sql$),
        ('CleanupDefunctSiloEntriesKey', $sql$
            -- Status 3 is Active: live silos are never removed, whatever their last heartbeat.
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
        $sql$);
        """;

    /// <summary>
    /// Grain state of <c>AddAdoNetGrainStorage</c>. The key is the provider's hashes and parts of the grain id; a null
    /// key extension and an empty one are different keys. A write always answers with one row: the new version, or
    /// NULL when the expected version (etag) did not match, which the provider turns into an InconsistentStateException.
    /// </summary>
    public const string GrainState = """
        CREATE TABLE orleans_grain_state (
            service_id      text        NOT NULL,
            grain_type_hash integer     NOT NULL,
            grain_type      text        NOT NULL,
            grain_id_hash   integer     NOT NULL,
            grain_id_n0     bigint      NOT NULL,
            grain_id_n1     bigint      NOT NULL,
            grain_id_ext    text        NULL,
            payload         bytea       NULL,
            version         integer     NOT NULL,
            modified_at     timestamptz NOT NULL
        );

        CREATE UNIQUE INDEX ux_orleans_grain_state_key ON orleans_grain_state
            (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type,
             (coalesce(grain_id_ext, '')), (grain_id_ext IS NULL));

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('ReadFromStorageKey', $sql$
            SELECT payload AS "PayloadBinary", version AS "Version"
            FROM orleans_grain_state
            WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
              AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
              AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString;
        $sql$),
        ('WriteToStorageKey', $sql$
            WITH inserted AS (
                INSERT INTO orleans_grain_state
                    (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_ext, payload, version, modified_at)
                SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1, now()
                WHERE @GrainStateVersion IS NULL
                ON CONFLICT (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type,
                             (coalesce(grain_id_ext, '')), (grain_id_ext IS NULL)) DO NOTHING
                RETURNING version),
            updated AS (
                UPDATE orleans_grain_state
                SET payload = @PayloadBinary, version = version + 1, modified_at = now()
                WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
                  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
                  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
                  AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
                RETURNING version)
            SELECT (SELECT version FROM inserted UNION ALL SELECT version FROM updated LIMIT 1) AS "NewGrainStateVersion";
        $sql$),
        ('ClearStorageKey', $sql$
            UPDATE orleans_grain_state
            SET payload = NULL, version = version + 1, modified_at = now()
            WHERE version = @GrainStateVersion
              AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
              AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
              AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
            RETURNING version AS "NewGrainStateVersion";
        $sql$),
        ('DeleteStorageKey', $sql$
            DELETE FROM orleans_grain_state
            WHERE version = @GrainStateVersion
              AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
              AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
              AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
            RETURNING version + 1 AS "NewGrainStateVersion";
        $sql$);
        """;

    /// <summary>
    /// Reminders of <c>UseAdoNetReminderService</c>. Grain hashes arrive as signed integers; range 1 is
    /// (begin, end] and range 2 is the wrap-around (begin, max] plus [min, end].
    /// </summary>
    public const string Reminders = """
        CREATE TABLE orleans_reminders (
            service_id    text        NOT NULL,
            grain_id      text        NOT NULL,
            reminder_name text        NOT NULL,
            start_time    timestamptz NOT NULL,
            period_ms     bigint      NOT NULL,
            grain_hash    integer     NOT NULL,
            version       integer     NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)
        );

        CREATE INDEX ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('UpsertReminderRowKey', $sql$
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
                version = orleans_reminders.version + 1
            RETURNING version AS "Version";
        $sql$),
        ('ReadReminderRowsKey', $sql$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period_ms AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId;
        $sql$),
        ('ReadReminderRowKey', $sql$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period_ms AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
        $sql$),
        ('ReadRangeRows1Key', $sql$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period_ms AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
        $sql$),
        ('ReadRangeRows2Key', $sql$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period_ms AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
        $sql$),
        ('DeleteReminderRowKey', $sql$
            WITH deleted AS (
                DELETE FROM orleans_reminders
                WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
                RETURNING 1)
            SELECT count(*)::integer FROM deleted;
        $sql$),
        ('DeleteReminderRowsKey', $sql$
            DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
        $sql$);
        """;
}
