-- XP01 lists the contracts of one buyer's fiscal year whose category starts with a prefix (the first 5 characters by
-- default). The index on (buyer, fiscal_year, category) reached the buyer's year and then every project of it was
-- read and filtered: in a bench database about 300 heap pages per group (1,300 for the largest buyers), 0.35 ms per
-- group and a quarter of a second of each check cycle under a bulk load. A prefix is a range of the index only in an
-- order where all strings that start with it lie together: the C collation (code point order), whatever the database's
-- own collation is. ContractGroups names the range with COLLATE "C" (between the prefix and the first string after
-- all that start with it), so the index is declared in that collation; lookups by buyer and year use it as before.
-- H2 has no such collation clause: there the query keeps the equality on the prefix and the V10 index (H2 migrations
-- have no V17).
CREATE INDEX xp_project_buyer_year_c_idx ON xp_project (buyer, fiscal_year, category COLLATE "C");
DROP INDEX IF EXISTS xp_project_buyer_year_idx;
