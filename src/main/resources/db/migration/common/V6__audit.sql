-- Who acknowledged or resolved which alert (issue 7). Written by AlertProjection in the same transaction as
-- the alert change it records, so every acknowledgement and manual resolution appears exactly once.
-- id is the alert change's feed sequence.
CREATE TABLE audit (
  id           BIGINT        NOT NULL PRIMARY KEY,
  principal    VARCHAR(200)  NOT NULL,
  action       VARCHAR(16)   NOT NULL,
  alert_id     VARCHAR(200)  NOT NULL,
  project_id   VARCHAR(128)  NOT NULL,
  buyer        VARCHAR(256),
  at           TIMESTAMP WITH TIME ZONE NOT NULL,
  note         VARCHAR(4000)
);
CREATE INDEX audit_alert_idx ON audit (alert_id);
