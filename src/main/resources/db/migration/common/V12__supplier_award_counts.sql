-- XP04 without re-reading a supplier's bids (docs/patterns.md, "Figures that do not rescan history").
--
-- A process counts for a supplier's XP04 while it is awarded (to anyone) within the rolling window, not cancelled, and
-- the supplier has a valid (not disqualified) bid in it; a win if the supplier is the one it is awarded to. So each
-- such (supplier, process) has one month, that of the award in Asia/Shanghai (ym = year * 100 + month), and this table
-- holds per supplier and month the number of such processes and of wins among them. Maintained by PatternProjection
-- in the same transaction as xp_bid and xp_project (guarded by the same last_seq): each group subtracts what the bid
-- rows it read added before the group and adds what they add after it (a bid, a disqualification, an award, a
-- re-tender or a cancellation changes only rows the group reads). A row whose figures fall to zero stays, with 0.
CREATE TABLE xp_supplier_award_count (
  supplier  VARCHAR(256) NOT NULL,
  ym        INTEGER      NOT NULL,
  processes INTEGER      NOT NULL,
  wins      INTEGER      NOT NULL,
  PRIMARY KEY (supplier, ym)
);

-- The month the window starts in is read from the bid rows themselves: each keeps its project's award time (NULL
-- while the project is not awarded), so that a supplier's bids in processes awarded in one month are an index range.
ALTER TABLE xp_bid ADD COLUMN award_at TIMESTAMP WITH TIME ZONE;
UPDATE xp_bid SET award_at = (SELECT p.award_at FROM xp_project p WHERE p.project_id = xp_bid.project_id);
CREATE INDEX xp_bid_award_idx ON xp_bid (supplier, award_at);

INSERT INTO xp_supplier_award_count (supplier, ym, processes, wins)
SELECT supplier, ym, COUNT(*), SUM(won) FROM (
  SELECT b.supplier,
         CAST(EXTRACT(YEAR FROM p.award_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100
           + CAST(EXTRACT(MONTH FROM p.award_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) AS ym,
         CASE WHEN p.award_supplier = b.supplier THEN 1 ELSE 0 END AS won
    FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id
   WHERE NOT p.cancelled AND NOT b.disqualified AND p.award_supplier IS NOT NULL AND p.award_at IS NOT NULL
) t GROUP BY supplier, ym;
