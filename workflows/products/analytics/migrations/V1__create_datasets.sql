CREATE TABLE datasets (
    name        VARCHAR(128) PRIMARY KEY,
    location    VARCHAR(512) NOT NULL,
    owner_team  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
