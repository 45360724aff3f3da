-- XP06 without re-reading a supplier's history (docs/patterns.md, "Figures that do not rescan history").
--
-- A process counts for a supplier's XP06 while its latest "touch" by that supplier lies in the rolling window: the
-- award to it, or a contract signed with it, whichever is later (the former query: awarded in the window OR
-- contracted in the window). So each (supplier, live process) has exactly one month, that of its latest touch in
-- Asia/Shanghai (ym = year * 100 + month), and the processes of a supplier in the months after the one the window
-- starts in are a sum of rows of this table, their categories the rows with processes > 0 (distinct processes and
-- distinct category prefixes, as the rule needs). Keyed by the whole category, not by the rule's prefix length
-- (configuration). Maintained by PatternProjection in the same transaction as xp_project and xp_contract (guarded by
-- the same last_seq): each group adds the contribution after the group minus the one before, for the projects whose
-- award, contracts or cancellation it changed. A row whose processes fall to zero stays, with 0.
CREATE TABLE xp_supplier_process_count (
  supplier  VARCHAR(256) NOT NULL,
  ym        INTEGER      NOT NULL,
  category  VARCHAR(64)  NOT NULL,
  processes INTEGER      NOT NULL,
  PRIMARY KEY (supplier, ym, category)
);

-- The month the window starts in is read from the rows themselves: a supplier's awards and contracts of that month
-- are an index range.
DROP INDEX xp_project_award_idx;
CREATE INDEX xp_project_award_idx ON xp_project (award_supplier, award_at);
DROP INDEX xp_contract_supplier_idx;
CREATE INDEX xp_contract_supplier_idx ON xp_contract (supplier, signed_at);

INSERT INTO xp_supplier_process_count (supplier, ym, category, processes)
SELECT supplier, ym, category, COUNT(*) FROM (
  SELECT supplier, category,
         CAST(EXTRACT(YEAR FROM last_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100
           + CAST(EXTRACT(MONTH FROM last_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) AS ym
    FROM (
      SELECT supplier, project_id, category, MAX(at) AS last_at FROM (
        SELECT p.award_supplier AS supplier, p.project_id, p.category, p.award_at AS at
          FROM xp_project p WHERE p.award_supplier IS NOT NULL AND p.award_at IS NOT NULL AND NOT p.cancelled
        UNION ALL
        SELECT w.supplier, p.project_id, p.category, w.signed_at
          FROM xp_contract w JOIN xp_project p ON p.project_id = w.project_id WHERE NOT p.cancelled
      ) t GROUP BY supplier, project_id, category
    ) l
) m GROUP BY supplier, ym, category;
