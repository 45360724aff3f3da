-- Cross-project figures that do not rescan history (docs/patterns.md, "Cost").
--
-- xp_bid_count: submitted and disqualified bids per owner (kind 'b' = buyer, 's' = supplier) and month of the bid
-- row's received_at in Asia/Shanghai (ym = year * 100 + month), over projects that are not cancelled. Maintained by
-- PatternProjection in the same transaction as xp_bid (and guarded by the same last_seq), so XP07's rolling
-- 12-month window is a sum of at most 13 rows plus, for the month the window starts in, the bids of that month only.
CREATE TABLE xp_bid_count (
  kind         VARCHAR(1)   NOT NULL,
  owner        VARCHAR(256) NOT NULL,
  ym           INTEGER      NOT NULL,
  submitted    INTEGER      NOT NULL,
  disqualified INTEGER      NOT NULL,
  PRIMARY KEY (kind, owner, ym)
);

-- The buyer of each bid row (the project's, which never changes), so that the bids of one buyer in one month are an
-- index range; and the supplier's bids by time likewise.
ALTER TABLE xp_bid ADD COLUMN buyer VARCHAR(256);
UPDATE xp_bid SET buyer = (SELECT p.buyer FROM xp_project p WHERE p.project_id = xp_bid.project_id);
UPDATE xp_bid SET buyer = '' WHERE buyer IS NULL;
ALTER TABLE xp_bid ALTER COLUMN buyer SET NOT NULL;
DROP INDEX xp_bid_supplier_idx;
CREATE INDEX xp_bid_supplier_idx ON xp_bid (supplier, received_at);
CREATE INDEX xp_bid_buyer_idx ON xp_bid (buyer, received_at);

INSERT INTO xp_bid_count (kind, owner, ym, submitted, disqualified)
SELECT kind, owner, ym, SUM(bids), SUM(disq) FROM (
  SELECT 'b' AS kind, b.buyer AS owner, b.bids AS bids, CASE WHEN b.disqualified THEN b.bids ELSE 0 END AS disq,
         CAST(EXTRACT(YEAR FROM b.received_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100
           + CAST(EXTRACT(MONTH FROM b.received_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) AS ym
    FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE NOT p.cancelled
  UNION ALL
  SELECT 's', b.supplier, b.bids, CASE WHEN b.disqualified THEN b.bids ELSE 0 END,
         CAST(EXTRACT(YEAR FROM b.received_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100
           + CAST(EXTRACT(MONTH FROM b.received_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER)
    FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE NOT p.cancelled
) t GROUP BY kind, owner, ym;
