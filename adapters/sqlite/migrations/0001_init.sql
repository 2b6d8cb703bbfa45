-- Kaiketsu's first schema. Times are INTEGER Unix microseconds (UTC), the
-- precision PostgreSQL keeps too; read them with
-- datetime(created_at / 1000000, 'unixepoch').

-- A person passed to a human. The reference shown to people is 'K-' || id,
-- so ids are never reused (AUTOINCREMENT).
CREATE TABLE handoffs (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	platform       TEXT    NOT NULL,
	requester      TEXT    NOT NULL,
	requester_name TEXT    NOT NULL DEFAULT '',
	channel        TEXT    NOT NULL DEFAULT '',
	playbook       TEXT    NOT NULL DEFAULT '',
	topic          TEXT    NOT NULL DEFAULT '',
	lang           TEXT    NOT NULL DEFAULT '',
	-- JSON array of {topic, step, title, result}; NULL once purged by retention.
	transcript     TEXT,
	status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'solved')),
	claimed_by     TEXT    NOT NULL DEFAULT '',
	claimed_at     INTEGER,
	solved_by      TEXT    NOT NULL DEFAULT '',
	solved_at      INTEGER,
	created_at     INTEGER NOT NULL,
	card           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX handoffs_status_id ON handoffs (status, id);
CREATE INDEX handoffs_solved_at ON handoffs (solved_at) WHERE transcript IS NOT NULL;

-- What happened in each walkthrough; one row per (walk, kind, topic) so a
-- double click or a retried delivery counts once.
CREATE TABLE outcomes (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	walk     TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	platform TEXT    NOT NULL DEFAULT '',
	playbook TEXT    NOT NULL DEFAULT '',
	topic    TEXT    NOT NULL DEFAULT '',
	step     INTEGER NOT NULL DEFAULT 0,
	lang     TEXT    NOT NULL DEFAULT '',
	at       INTEGER NOT NULL,
	UNIQUE (walk, kind, topic)
);
CREATE INDEX outcomes_at ON outcomes (at);

-- Platform event ids already handled, for deduplication across instances.
CREATE TABLE seen_keys (
	key TEXT    PRIMARY KEY,
	at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_keys_at ON seen_keys (at);
