-- Which journal events' alert changes are numbered: the identity (persistence id, sequence number) of each
-- AlertsChanged event, written in the same transaction as its alert_change rows. Two paths number alert
-- changes (the AlertSequencer right after persist, the AlertProjection as a safety net over the journal);
-- both take the alert_sequence row lock first and then skip an event found here, so each change is
-- numbered exactly once, whichever path sees it first.
CREATE TABLE alert_source (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_nr    BIGINT       NOT NULL,
  first_sequence BIGINT       NOT NULL,
  last_sequence  BIGINT       NOT NULL,
  numbered_by    VARCHAR(16)  NOT NULL,
  PRIMARY KEY (persistence_id, sequence_nr)
);
