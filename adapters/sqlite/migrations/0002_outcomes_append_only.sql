-- Outcomes become append-only: the UNIQUE (walk, kind, topic) index made
-- every insert a write at a random place in a second B-tree (walk ids are
-- random), about seven times the cost of the row itself. Repeats (a double
-- click) are now kept and counted once where they are read (core.Summarize).
-- SQLite cannot drop a table constraint, so the table is rebuilt.
CREATE TABLE outcomes_v2 (
	id       INTEGER PRIMARY KEY,
	walk     TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	platform TEXT    NOT NULL DEFAULT '',
	playbook TEXT    NOT NULL DEFAULT '',
	topic    TEXT    NOT NULL DEFAULT '',
	step     INTEGER NOT NULL DEFAULT 0,
	lang     TEXT    NOT NULL DEFAULT '',
	at       INTEGER NOT NULL
);
INSERT INTO outcomes_v2 (id, walk, kind, platform, playbook, topic, step, lang, at)
	SELECT id, walk, kind, platform, playbook, topic, step, lang, at FROM outcomes;
DROP TABLE outcomes;
ALTER TABLE outcomes_v2 RENAME TO outcomes;
CREATE INDEX outcomes_at ON outcomes (at);
