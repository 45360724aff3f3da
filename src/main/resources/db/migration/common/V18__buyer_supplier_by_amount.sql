-- XP02 asks, for each buyer's fiscal year whose contracts changed, which suppliers hold more than the share (half by
-- default) of the year's contracted amount: at most one. Through the primary key (buyer, fiscal_year, supplier) that
-- read every supplier row of the year and kept the one above the limit: in a bench run about 1,000 years a check
-- cycle, 190 rows each, 235 ms a cycle — the largest statement of a bulk load. With the amount in an index the limit
-- is a range: the rows above it only. Each upsert of a sum now also moves its entry in this index (the amount is no
-- longer an unindexed column, so the row's update is no longer heap-only).
CREATE INDEX xp_buyer_supplier_amount_idx ON xp_buyer_supplier (buyer, fiscal_year, amount);
