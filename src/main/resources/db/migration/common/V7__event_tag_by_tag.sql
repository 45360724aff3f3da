-- The projections read the journal by tag and offset range (TagRangeReadJournalDao). The primary key of
-- event_tag is (event_id, tag), which cannot find one tag's entries in a range; this index yields exactly the
-- rows of one page, so a poll costs the size of the page, not of the history (docs/performance.md).
-- Quoted: the H2 journal tables have quoted lowercase names (stack.md G8); on PostgreSQL the names are the same.
-- Numbered 5.1 so that it merges beside another branch's V5 without a version clash.
CREATE INDEX IF NOT EXISTS "event_tag_tag_event_id_idx" ON "event_tag" ("tag", "event_id");
