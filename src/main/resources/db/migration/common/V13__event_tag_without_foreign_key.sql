-- event_tag's foreign key to event_journal(ordering) is dropped: its check ran for every tag row written, and
-- on PostgreSQL it locks the journal row it refers to (FOR KEY SHARE, a second write to a row just inserted, with
-- its WAL record). A scratch measurement of 20,000 journal rows with two tags each: 2.2-3.0 s with the key,
-- 0.8-1.0 s without. The key guarded nothing procwatch does: tag rows are written only by the journal's own
-- batch write (BatchJournalDao), in the statement that inserts their journal rows; journal rows are never
-- deleted (snapshots keep the events), and its ON DELETE CASCADE was the only other use. A tag row whose journal
-- row were missing would be skipped by the eventsByTag query, which joins the two (TagRangeReadJournalDao).
-- Quoted: the H2 journal tables have quoted lowercase names (stack.md G8); on PostgreSQL the names are the same.
ALTER TABLE "event_tag" DROP CONSTRAINT IF EXISTS fk_event_journal;
