-- The journal's and the snapshot store's payloads are compressed with lz4 instead of PostgreSQL's default pglz.
-- A bulk load writes a project's facts of one batch as one journal row of about 2.6 kB of CBOR, above the
-- server's compression threshold (about 2 kB): every such row was compressed with pglz as it was inserted (to
-- 1.06 kB) and decompressed again each time a projection read it (the listing, the patterns, the alerts). lz4 keeps
-- them as small (1.08 kB) at a fraction of the CPU: bench/journal-compression measures both in one run
-- (docs/performance.md). Rows already stored keep their pglz form; both are read alike. Single events (about 360
-- bytes) are below the threshold and were never compressed. Only the column's method for new values changes:
-- nothing is rewritten.
--
-- lz4 needs a server built with it (Debian's and PGDG's packages are, and so are the official images); a server
-- without it keeps pglz, with a notice, rather than failing the migration.
DO $$
BEGIN
  ALTER TABLE event_journal ALTER COLUMN event_payload SET COMPRESSION lz4;
  ALTER TABLE snapshot ALTER COLUMN snapshot_payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this PostgreSQL server has no lz4 support: the journal payloads stay compressed with pglz (%)', SQLERRM;
END
$$;
