-- Executions, their steps and workflows, the append-only event log, deployment history.
-- Portable across H2 (PostgreSQL mode) and PostgreSQL.

CREATE SEQUENCE execution_queue_order;

CREATE TABLE executions (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    kind             VARCHAR(16)  NOT NULL,
    application      VARCHAR(63)  NOT NULL,
    product          VARCHAR(63)  NOT NULL,
    environment      VARCHAR(63)  NOT NULL,
    state            VARCHAR(24)  NOT NULL,
    plan_json        TEXT         NOT NULL,
    plan_digest      VARCHAR(64)  NOT NULL,
    catalog_digest   VARCHAR(64)  NOT NULL,
    score_yaml       TEXT         NOT NULL,
    requested_by     VARCHAR(255) NOT NULL,
    approved_by      VARCHAR(255) NOT NULL,
    decision_comment TEXT         NOT NULL,
    request_id       VARCHAR(128),
    request_hash     VARCHAR(64),
    dry_run          BOOLEAN      NOT NULL,
    error            TEXT         NOT NULL,
    last_sequence    BIGINT       NOT NULL,
    version          BIGINT       NOT NULL,
    queue_order      BIGINT       NOT NULL,
    create_time      TIMESTAMP WITH TIME ZONE NOT NULL,
    start_time       TIMESTAMP WITH TIME ZONE,
    end_time         TIMESTAMP WITH TIME ZONE
);

CREATE UNIQUE INDEX executions_request_id ON executions (request_id);
CREATE INDEX executions_app_env ON executions (application, environment);
CREATE INDEX executions_state ON executions (state);
CREATE INDEX executions_create_time ON executions (create_time, id);

CREATE TABLE workflow_runs (
    execution_id VARCHAR(36)  NOT NULL,
    workflow_id  VARCHAR(255) NOT NULL,
    position     INTEGER      NOT NULL,
    phase        VARCHAR(24)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    PRIMARY KEY (execution_id, workflow_id)
);

CREATE TABLE step_runs (
    execution_id VARCHAR(36)  NOT NULL,
    workflow_id  VARCHAR(255) NOT NULL,
    step         VARCHAR(63)  NOT NULL,
    position     INTEGER      NOT NULL,
    type         VARCHAR(63)  NOT NULL,
    phase        VARCHAR(24)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    attempt      INTEGER      NOT NULL,
    error        TEXT         NOT NULL,
    outputs_json TEXT         NOT NULL,
    start_time   TIMESTAMP WITH TIME ZONE,
    end_time     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (execution_id, workflow_id, step)
);

CREATE TABLE execution_events (
    execution_id VARCHAR(36)  NOT NULL,
    sequence     BIGINT       NOT NULL,
    event_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    kind         VARCHAR(32)  NOT NULL,
    step         VARCHAR(63),
    payload_json TEXT         NOT NULL,
    PRIMARY KEY (execution_id, sequence)
);

CREATE TABLE deployment_history (
    application  VARCHAR(63) NOT NULL,
    environment  VARCHAR(63) NOT NULL,
    execution_id VARCHAR(36) NOT NULL,
    succeeded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (application, environment, execution_id)
);
