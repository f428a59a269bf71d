-- Why a failed step failed (STEP_FAILED, TRANSIENT, TIMEOUT, CONFIGURATION, CANCELLED), so that retries,
-- the API and the CLI can tell a configuration error from one that another attempt may fix. Steps that
-- failed before this column existed read as STEP_FAILED.
ALTER TABLE step_runs ADD COLUMN error_kind VARCHAR(32);
