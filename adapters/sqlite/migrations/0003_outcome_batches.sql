-- Outcomes written by kaiketsu serve arrive in batches (core.BufferedOutcomes);
-- each batch is one row here, its outcomes a JSON array of
-- [walk, kind, platform, playbook, topic, step, lang, at] arrays in the
-- order they happened. One row per outcome cost SQLite several
-- microseconds of CPU each, under load as much as the rest of a request;
-- one row per batch costs about what one outcome did. Single outcomes
-- (RecordOutcome) still go to the outcomes table. all_outcomes reads both
-- as rows, for SQL users:
--   SELECT topic, kind, count(DISTINCT walk) FROM all_outcomes GROUP BY 1, 2;
-- (records are append-only: a double click is two rows, one walk)
CREATE TABLE outcome_batches (
	id       INTEGER PRIMARY KEY,
	first_at INTEGER NOT NULL, -- the earliest "at" in the batch
	last_at  INTEGER NOT NULL, -- the latest
	-- No CHECK (json_valid(...)): Kaiketsu writes the array itself, and
	-- the check parsed every batch again on insert.
	outcomes TEXT    NOT NULL
);
CREATE INDEX outcome_batches_last_at ON outcome_batches (last_at);

CREATE VIEW all_outcomes (walk, kind, platform, playbook, topic, step, lang, at) AS
	SELECT walk, kind, platform, playbook, topic, step, lang, at FROM outcomes
	UNION ALL
	SELECT o.value ->> 0, o.value ->> 1, o.value ->> 2, o.value ->> 3,
	       o.value ->> 4, o.value ->> 5, o.value ->> 6, o.value ->> 7
	FROM outcome_batches AS b, json_each(b.outcomes) AS o;
