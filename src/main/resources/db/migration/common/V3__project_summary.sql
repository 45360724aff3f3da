-- Read side for listings, maintained by ProjectSummaryProjection (exactly-once, offsets in this database).
CREATE TABLE project_summary (
  project_id          VARCHAR(128)   NOT NULL PRIMARY KEY,
  buyer               VARCHAR(256)   NOT NULL,
  buyer_name          VARCHAR(512),
  title               VARCHAR(2000)  NOT NULL,
  category            VARCHAR(64)    NOT NULL,
  category_kind       VARCHAR(16)    NOT NULL,
  fiscal_year         INTEGER        NOT NULL,
  method              VARCHAR(32),
  stage               VARCHAR(32)    NOT NULL,
  budget              NUMERIC(18, 2) NOT NULL,
  contract_amount     NUMERIC(18, 2),
  paid                NUMERIC(18, 2) NOT NULL DEFAULT 0,
  last_event_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  open_irregularities INTEGER        NOT NULL DEFAULT 0,
  updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX project_summary_buyer_idx ON project_summary (buyer, project_id);
CREATE INDEX project_summary_stage_idx ON project_summary (stage, project_id);
