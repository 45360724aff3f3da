-- The owners a pattern projection group marks for the checker, packed into a few rows per group (owners, see
-- io.procwatch.pattern.Marks) instead of one row per owner: a bulk load wrote as many mark rows as journal rows, each
-- inserted by the projection and deleted by the checker (docs/performance.md). Rows written before this migration
-- keep their single owner in `owner` and are read as before; new rows leave it NULL.
ALTER TABLE xp_dirty ADD COLUMN owners VARCHAR(2000);
ALTER TABLE xp_dirty ALTER COLUMN owner DROP NOT NULL;
