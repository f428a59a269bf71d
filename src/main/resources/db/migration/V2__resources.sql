-- Resources provisioned for applications, and which applications use them (shared resources have
-- several consumers and are removed only with the last one).

CREATE TABLE provisioned_resources (
    resource_key     VARCHAR(512) NOT NULL PRIMARY KEY,
    environment      VARCHAR(63)  NOT NULL,
    type             VARCHAR(63)  NOT NULL,
    namespace        VARCHAR(63)  NOT NULL,
    outputs_json     TEXT         NOT NULL,
    objects_json     TEXT         NOT NULL,
    provisioner_json TEXT         NOT NULL,
    provisioned_by   VARCHAR(36)  NOT NULL,
    update_time      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE resource_consumers (
    resource_key  VARCHAR(512) NOT NULL,
    application   VARCHAR(63)  NOT NULL,
    environment   VARCHAR(63)  NOT NULL,
    resource_name VARCHAR(63)  NOT NULL,
    PRIMARY KEY (resource_key, application, environment)
);

CREATE INDEX resource_consumers_app ON resource_consumers (application, environment);
