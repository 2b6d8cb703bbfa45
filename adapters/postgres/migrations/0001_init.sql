-- Kaiketsu's first schema. Tables are created in the first schema of the
-- connection's search_path (public by default).

-- A person passed to a human. The reference shown to people is 'K-' || id;
-- identity values are never reused.
CREATE TABLE handoffs (
	id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	platform       text        NOT NULL,
	requester      text        NOT NULL,
	requester_name text        NOT NULL DEFAULT '',
	channel        text        NOT NULL DEFAULT '',
	playbook       text        NOT NULL DEFAULT '',
	topic          text        NOT NULL DEFAULT '',
	lang           text        NOT NULL DEFAULT '',
	-- array of {topic, step, title, result}; NULL once purged by retention.
	transcript     jsonb,
	status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'solved')),
	claimed_by     text        NOT NULL DEFAULT '',
	claimed_at     timestamptz,
	solved_by      text        NOT NULL DEFAULT '',
	solved_at      timestamptz,
	created_at     timestamptz NOT NULL,
	card           text        NOT NULL DEFAULT ''
);
CREATE INDEX handoffs_status_id ON handoffs (status, id);
CREATE INDEX handoffs_solved_at ON handoffs (solved_at) WHERE transcript IS NOT NULL;

-- What happened in each walkthrough; one row per (walk, kind, topic) so a
-- double click or a retried delivery counts once.
CREATE TABLE outcomes (
	id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	walk     text        NOT NULL,
	kind     text        NOT NULL,
	platform text        NOT NULL DEFAULT '',
	playbook text        NOT NULL DEFAULT '',
	topic    text        NOT NULL DEFAULT '',
	step     integer     NOT NULL DEFAULT 0,
	lang     text        NOT NULL DEFAULT '',
	at       timestamptz NOT NULL,
	UNIQUE (walk, kind, topic)
);
CREATE INDEX outcomes_at ON outcomes (at);

-- Platform event ids already handled, for deduplication across instances.
CREATE TABLE seen_keys (
	key text        PRIMARY KEY,
	at  timestamptz NOT NULL
);
CREATE INDEX seen_keys_at ON seen_keys (at);
