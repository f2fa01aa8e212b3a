-- Maintenance and calibration records (issue 15). A window covers one station, all its fields (fields
-- NULL) or the listed ones, from start_at to end_at (epoch ms, UTC; end_at NULL = open, not ended yet).
-- A recurring window has an RRULE (lib/qa/recurrence.ts subset, evaluated in WIB) and the length of each
-- occurrence; its end_at ends the series. `origin`: planned ahead, or logged (a visit that happened).
-- `who`: the technicians; `created_by`: the console user or token that recorded it.
CREATE TABLE maintenance_windows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station TEXT NOT NULL,
  kind TEXT NOT NULL,
  fields TEXT CHECK (
    fields IS NULL OR (json_valid(fields) AND json_type(fields) = 'array' AND json_array_length(fields) > 0)
  ),
  type TEXT NOT NULL CHECK (type IN ('maintenance', 'calibration', 'instrument_failure', 'production_stopped')),
  origin TEXT NOT NULL CHECK (origin IN ('planned', 'logged')),
  start_at INTEGER NOT NULL,
  end_at INTEGER CHECK (end_at IS NULL OR end_at > start_at),
  rrule TEXT,
  duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms > 0),
  who TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((rrule IS NULL) = (duration_ms IS NULL))
) STRICT;

CREATE INDEX maintenance_station ON maintenance_windows (station, start_at);
CREATE INDEX maintenance_start ON maintenance_windows (start_at);

-- The results of a calibration window (type 'calibration'), one field per calibration: the analyser's
-- readings on zero air / zero solution and on the span reference, the reference's value, the offset
-- applied afterwards, and what the reference was (cylinder, buffer solution, certificate number).
CREATE TABLE calibrations (
  window_id INTEGER PRIMARY KEY REFERENCES maintenance_windows (id),
  field TEXT NOT NULL,
  zero_reading REAL,
  span_reading REAL,
  span_target REAL,
  offset_applied REAL,
  reference TEXT NOT NULL CHECK (length(trim(reference)) > 0)
) STRICT;
