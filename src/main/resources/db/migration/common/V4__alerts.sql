-- Alert read side, maintained by AlertProjection from the projects' alert changes (one projection
-- instance over the "alerts" tag, so changes are numbered in one place).
-- alert_change.sequence is global, gap-free and strictly increasing: the live feed resumes from it.
CREATE TABLE alert_sequence (
  id         INTEGER NOT NULL PRIMARY KEY,
  last_value BIGINT  NOT NULL
);
INSERT INTO alert_sequence (id, last_value) VALUES (1, 0);

CREATE TABLE alert (
  alert_id        VARCHAR(200)  NOT NULL PRIMARY KEY,
  fingerprint     VARCHAR(32)   NOT NULL,
  rule            VARCHAR(8)    NOT NULL,
  severity        VARCHAR(16)   NOT NULL,
  prewarning      BOOLEAN       NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  project_id      VARCHAR(128)  NOT NULL,
  buyer           VARCHAR(256),
  supplier        VARCHAR(256),
  subject         VARCHAR(512)  NOT NULL,
  occurred_at     TIMESTAMP WITH TIME ZONE,
  due_at          TIMESTAMP WITH TIME ZONE,
  raised_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  resolved_at     TIMESTAMP WITH TIME ZONE,
  resolution      VARCHAR(16),
  raised_sequence BIGINT        NOT NULL,
  last_sequence   BIGINT        NOT NULL,
  body            VARCHAR(1000000) NOT NULL
);
CREATE INDEX alert_raised_idx ON alert (raised_sequence);
CREATE INDEX alert_status_idx ON alert (status, raised_sequence);
CREATE INDEX alert_buyer_idx ON alert (buyer, raised_sequence);
CREATE INDEX alert_project_idx ON alert (project_id, raised_sequence);

CREATE TABLE alert_change (
  sequence    BIGINT        NOT NULL PRIMARY KEY,
  alert_id    VARCHAR(200)  NOT NULL,
  kind        VARCHAR(16)   NOT NULL,
  changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  project_id  VARCHAR(128)  NOT NULL,
  buyer       VARCHAR(256),
  rule        VARCHAR(8)    NOT NULL,
  severity    VARCHAR(16)   NOT NULL,
  body        VARCHAR(1000000) NOT NULL
);
CREATE INDEX alert_change_alert_idx ON alert_change (alert_id, sequence);

-- When each project next needs waking on the wall clock (a deadline or pre-warning coming due): the
-- DeadlineWatch polls this, so deadlines fire even if the project was passivated or the service restarted.
ALTER TABLE project_summary ADD COLUMN wake_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX project_summary_wake_idx ON project_summary (wake_at);
