-- E-mail of scheduled report runs (reports/README.md "E-mail"): one delivery per run, `pending` until the
-- mail server accepts it (`sent`) or the service gives up after REPORTS_MAIL_MAX_ATTEMPTS (`failed`).
-- `next_attempt_at` is when a pending delivery is tried next, so a restart picks it up where it was.
-- `last_error` is the service's own wording of the refusal (code and SMTP response code), never the
-- mail server's URL. `recipients` is a JSON array. Times in epoch ms UTC.
CREATE TABLE report_mail (
  run_id INTEGER PRIMARY KEY REFERENCES report_runs (id) ON DELETE CASCADE,
  recipients TEXT NOT NULL CHECK (
    json_valid(recipients) AND json_type(recipients) = 'array' AND json_array_length(recipients) > 0
  ),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  next_attempt_at INTEGER CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX report_mail_due ON report_mail (next_attempt_at) WHERE status = 'pending';

-- Retention (REPORTS_RETENTION_DAYS): a run whose files were deleted from the reports folder keeps its
-- row and its files' rows with their SHA-256 (the record of what was filed); `pruned_at` says when.
ALTER TABLE report_runs ADD COLUMN pruned_at INTEGER;
