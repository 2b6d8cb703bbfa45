-- Outcomes become append-only: the UNIQUE (walk, kind, topic) index made
-- every insert a write at a random place in a second B-tree (walk ids are
-- random). Repeats (a double click) are now kept and counted once where
-- they are read (core.Summarize).
ALTER TABLE outcomes DROP CONSTRAINT IF EXISTS outcomes_walk_kind_topic_key;
