-- Full-text search (issue 14) and analysts' disagreement with scores.
--
-- statements_fts indexes statement text, the speaker as given, the canonical speaker (actor),
-- the targets (the JSON array: the tokenizer reads the names between its punctuation) and the
-- source. External content: the words are indexed, the text itself stays only in `statements`
-- (highlight() reads it from there by rowid), so the index costs no second copy of the text.
--
-- Write cost: a statement is indexed once, when it leaves 'pending' (scored, unsupported or
-- failed): that is when its actor and targets are known, and a backfill inserts it already
-- scored. Indexing on insert and again on scoring would write every statement's terms twice and
-- delete them once. A pending statement (seconds, normally) is therefore not yet searchable.
--
-- The statements repository (server/store/statements-repo.ts) adds the index row itself, in the
-- same transaction as the statement, rather than an AFTER INSERT/UPDATE trigger: in an isolated
-- test an FTS5 insert run by a trigger cost ~29 µs of CPU a row against ~10 µs run directly. In
-- the real store the index still roughly doubles the CPU of storing a statement (~24 -> ~55 µs
-- a row, scripts/bench/search-write.ts), with or without the trigger; the cause of the gap to
-- the isolated figure is not yet found.
--
-- External content contract: the values given to a 'delete' must be exactly those indexed, and
-- a row never indexed must never be 'deleted'. The triggers below keep both true for the rare
-- changes (a statement sent back to pending, an indexed column rewritten, a demo purge); a row
-- is indexed exactly when statements_fts_docsize holds its id. Rows written by raw SQL around
-- the repository (tests, benchmarks) are simply not searchable.
CREATE VIRTUAL TABLE statements_fts USING fts5(
  text, speaker, actor, targets, source,
  content = 'statements', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER statements_fts_unsettled AFTER UPDATE OF status ON statements
WHEN new.status = 'pending' AND EXISTS (SELECT 1 FROM statements_fts_docsize WHERE id = old.id) BEGIN
  INSERT INTO statements_fts (statements_fts, rowid, text, speaker, actor, targets, source)
  VALUES ('delete', old.id, old.text, old.speaker, old.actor, old.targets, old.source);
END;

CREATE TRIGGER statements_fts_changed AFTER UPDATE OF text, speaker, actor, targets, source ON statements
WHEN new.status <> 'pending' AND EXISTS (SELECT 1 FROM statements_fts_docsize WHERE id = old.id) BEGIN
  INSERT INTO statements_fts (statements_fts, rowid, text, speaker, actor, targets, source)
  VALUES ('delete', old.id, old.text, old.speaker, old.actor, old.targets, old.source);
  INSERT INTO statements_fts (rowid, text, speaker, actor, targets, source)
  VALUES (new.id, new.text, new.speaker, new.actor, new.targets, new.source);
END;

CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements
WHEN EXISTS (SELECT 1 FROM statements_fts_docsize WHERE id = old.id) BEGIN
  INSERT INTO statements_fts (statements_fts, rowid, text, speaker, actor, targets, source)
  VALUES ('delete', old.id, old.text, old.speaker, old.actor, old.targets, old.source);
END;

-- Existing databases: index every statement already settled.
INSERT INTO statements_fts (rowid, text, speaker, actor, targets, source)
  SELECT id, text, speaker, actor, targets, source FROM statements WHERE status <> 'pending';

-- "This score is wrong": the level an analyst would assign and why, with who and when. The
-- statement's score, level and scorer version at that moment are kept beside it, so the audit
-- trail still reads true after a re-score; this is what a later re-fit of the lexicon learns from.
CREATE TABLE statement_feedback (
  id             INTEGER PRIMARY KEY,
  statement_id   INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  suggested      TEXT    NOT NULL CHECK (suggested IN ('calm', 'low', 'elevated', 'high', 'severe')),
  reason         TEXT    NOT NULL,
  author         TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  score          REAL,
  level          TEXT,
  scorer_version TEXT
);
CREATE INDEX statement_feedback_statement ON statement_feedback (statement_id, id);
