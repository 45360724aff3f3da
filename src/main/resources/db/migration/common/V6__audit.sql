-- Who acknowledged or resolved which alert (issue 7). Written in the same transaction as the alert change it
-- records (by whichever path numbers it: the sequencer or AlertProjection), so every acknowledgement and manual
-- resolution appears exactly once. id is the alert change's feed sequence. project_id is empty for the alerts
-- of a buyer or supplier (cross-project patterns).
CREATE TABLE audit (
  id           BIGINT        NOT NULL PRIMARY KEY,
  principal    VARCHAR(200)  NOT NULL,
  action       VARCHAR(16)   NOT NULL,
  alert_id     VARCHAR(200)  NOT NULL,
  project_id   VARCHAR(128),
  buyer        VARCHAR(256),
  at           TIMESTAMP WITH TIME ZONE NOT NULL,
  note         VARCHAR(4000)
);
CREATE INDEX audit_alert_idx ON audit (alert_id);
