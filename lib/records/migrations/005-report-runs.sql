-- Report runs (issue 16): one row per generation, whoever asked (a user's name, or `schedule`) and how
-- (console, api, cli, schedule). `stations` is a JSON array: the request's until the run is done, then
-- the stations the report covers (what scope is checked against). A run starts `running` and ends
-- `done` with its files, or `failed` with the message. Times in epoch ms UTC.
CREATE TABLE report_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  period TEXT NOT NULL,
  stations TEXT NOT NULL CHECK (json_valid(stations) AND json_type(stations) = 'array'),
  lang TEXT NOT NULL,
  formats TEXT NOT NULL CHECK (
    json_valid(formats) AND json_type(formats) = 'array' AND json_array_length(formats) > 0
  ),
  requested_by TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('console', 'api', 'cli', 'schedule')),
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  message TEXT CHECK (status <> 'failed' OR (message IS NOT NULL AND length(trim(message)) > 0)),
  started_at INTEGER NOT NULL,
  finished_at INTEGER CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;

CREATE INDEX report_runs_started ON report_runs (started_at);
-- The scheduler's catch-up asks "was this type's period already run by the schedule?".
CREATE INDEX report_runs_schedule ON report_runs (type, period) WHERE via = 'schedule';

-- The files of a done run: path relative to the reports folder (`2026/ispu-daily-2026-12-01.pdf`),
-- its size and SHA-256 (hex), checked again before a download is sent.
CREATE TABLE report_files (
  run_id INTEGER NOT NULL REFERENCES report_runs (id) ON DELETE CASCADE,
  format TEXT NOT NULL,
  path TEXT NOT NULL CHECK (path NOT LIKE '/%' AND path NOT LIKE '%..%'),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (run_id, format)
) STRICT;
