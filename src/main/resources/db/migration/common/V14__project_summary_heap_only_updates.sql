-- project_summary takes one UPDATE per project event (the listing projection), and every event changes the project's
-- stage or its wake-up time (most change both). Both were indexed, so no update could be heap-only (HOT): each wrote
-- a new row version into the table and a new entry into all four indexes, with their WAL. Without these two indexes,
-- only the primary key and (buyer, project_id) remain, whose columns never change, and PostgreSQL updates the row in
-- place on its page. Measured with pgbench on 100,000 rows shaped like these, 20 updates a transaction as the
-- projection sends them: 8,100-11,500 updates/s with the indexes, 12,000-13,900 without (99% heap-only).
-- What used them reads the table instead, which at the bureau's size (about 3,000 projects a year) is a few
-- milliseconds: the deadline watch's poll (once a second; 28 ms at 100,000 projects) and the listing filtered by
-- stage (the primary key in order, the stage as a filter).
DROP INDEX IF EXISTS project_summary_stage_idx;
DROP INDEX IF EXISTS project_summary_wake_idx;
