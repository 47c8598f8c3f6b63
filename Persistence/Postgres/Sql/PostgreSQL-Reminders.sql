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
