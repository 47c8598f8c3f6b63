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
