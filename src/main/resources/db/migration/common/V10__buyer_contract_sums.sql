-- XP01–XP03 without re-reading a buyer's whole contract history (docs/patterns.md, "XP01–XP03").
--
-- Running sums of the live contracts (projects not cancelled), maintained by PatternProjection in the same transaction
-- as xp_contract (so guarded by the same last_seq): each group adds, for the projects whose contracts, method or
-- cancellation it changed, the projects' contribution after the group minus their contribution before it. They are
-- keyed by what the rules group by, not by the rules' parameters (the category prefix length and the excluded methods
-- are configuration): XP01 sums the rows of one buyer, fiscal year and category prefix; XP02 compares a supplier's row
-- with the sum of the buyer's rows of that year. A row whose contracts fall to zero stays, with amount 0.
CREATE TABLE xp_buyer_category (
  buyer         VARCHAR(256)   NOT NULL,
  fiscal_year   INTEGER        NOT NULL,
  category      VARCHAR(64)    NOT NULL,
  category_kind VARCHAR(16)    NOT NULL,
  method        VARCHAR(32)    NOT NULL, -- '' while the project has no approved method
  amount        NUMERIC(24, 2) NOT NULL,
  contracts     INTEGER        NOT NULL,
  PRIMARY KEY (buyer, fiscal_year, category, category_kind, method)
);

CREATE TABLE xp_buyer_supplier (
  buyer       VARCHAR(256)   NOT NULL,
  fiscal_year INTEGER        NOT NULL,
  supplier    VARCHAR(256)   NOT NULL,
  amount      NUMERIC(24, 2) NOT NULL,
  contracts   INTEGER        NOT NULL,
  PRIMARY KEY (buyer, fiscal_year, supplier)
);

-- The contracts of one buyer, year and category prefix (XP01's listing of a group that holds) are an index range.
CREATE INDEX xp_project_buyer_year_idx ON xp_project (buyer, fiscal_year, category);

-- Marks now name the group that changed ("buyeryear@", "buyersole@": buyer, year or supplier, and category).
ALTER TABLE xp_dirty ALTER COLUMN owner SET DATA TYPE VARCHAR(700);

INSERT INTO xp_buyer_category (buyer, fiscal_year, category, category_kind, method, amount, contracts)
SELECT p.buyer, p.fiscal_year, p.category, p.category_kind, COALESCE(p.method, ''), SUM(w.amount), COUNT(*)
  FROM xp_project p JOIN xp_contract w ON w.project_id = p.project_id WHERE NOT p.cancelled
 GROUP BY p.buyer, p.fiscal_year, p.category, p.category_kind, COALESCE(p.method, '');

INSERT INTO xp_buyer_supplier (buyer, fiscal_year, supplier, amount, contracts)
SELECT p.buyer, p.fiscal_year, w.supplier, SUM(w.amount), COUNT(*)
  FROM xp_project p JOIN xp_contract w ON w.project_id = p.project_id WHERE NOT p.cancelled
 GROUP BY p.buyer, p.fiscal_year, w.supplier;
