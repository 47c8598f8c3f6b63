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
