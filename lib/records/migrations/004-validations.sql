-- Validators' decisions on ranges of data (issue 15): station, fields (JSON array), [from_at, to_at)
-- in epoch ms UTC, `valid` or `invalid` with a reason. Raw values stay in InfluxDB untouched; a value's
-- state is derived from these rows (lib/qa/states.ts: the newest decision holding it wins). `points`:
-- how many values InfluxDB held in the range when the decision was made. Append only: a revision is a
-- new row, so the history is the table itself (the triggers refuse edits and deletions).
CREATE TABLE validations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station TEXT NOT NULL,
  kind TEXT NOT NULL,
  fields TEXT NOT NULL CHECK (
    json_valid(fields) AND json_type(fields) = 'array' AND json_array_length(fields) > 0
  ),
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL CHECK (to_at > from_at),
  decision TEXT NOT NULL CHECK (decision IN ('valid', 'invalid')),
  reason TEXT CHECK (decision = 'valid' OR (reason IS NOT NULL AND length(trim(reason)) > 0)),
  points INTEGER NOT NULL CHECK (points > 0),
  decided_by TEXT NOT NULL,
  via TEXT NOT NULL,
  decided_at INTEGER NOT NULL
) STRICT;

CREATE INDEX validations_station ON validations (station, from_at);

CREATE TRIGGER validations_no_update BEFORE UPDATE ON validations
BEGIN
  SELECT RAISE(ABORT, 'validations are append only: record a new decision instead');
END;

CREATE TRIGGER validations_no_delete BEFORE DELETE ON validations
BEGIN
  SELECT RAISE(ABORT, 'validations are append only: record a new decision instead');
END;
