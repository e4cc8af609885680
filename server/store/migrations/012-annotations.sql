-- Chart annotations analysts add ("ceasefire signed"): a moment, a note, optionally one scope
-- (NULL: shown on every chart), and who added it ('token' until accounts exist). Times unix ms.
CREATE TABLE annotations (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  note TEXT NOT NULL,
  scope TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX annotations_at ON annotations (at);
