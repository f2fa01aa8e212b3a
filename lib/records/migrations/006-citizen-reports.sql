-- Citizen reports (pengaduan, issue 17): what a resident sent from the public page, and what staff did
-- with it. `code` is the reporter's tracking code (10 characters of Crockford base32, random).
-- `contact` is never public and never logged; `address_hash` is a keyed hash of the sender's address
-- (rate limits and abuse), never the address itself. Coordinates are checked here too (a Depok box with
-- a margin), as a second line behind the repository.
CREATE TABLE citizen_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE CHECK (length(code) = 10),
  category TEXT NOT NULL CHECK (category IN (
    'smell', 'smoke_burning', 'illegal_dumping', 'full_waste_point', 'dirty_water', 'no_water', 'other'
  )),
  description TEXT NOT NULL CHECK (length(trim(description)) > 0 AND length(description) <= 2000),
  lat REAL NOT NULL CHECK (lat BETWEEN -6.60 AND -6.20),
  lon REAL NOT NULL CHECK (lon BETWEEN 106.60 AND 107.00),
  contact TEXT CHECK (contact IS NULL OR length(contact) <= 200),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'approved', 'rejected', 'resolved')),
  public_answer TEXT CHECK (public_answer IS NULL OR length(public_answer) <= 2000),
  station_id TEXT,
  alert_id TEXT,
  address_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX citizen_reports_status ON citizen_reports (status, id);
CREATE INDEX citizen_reports_sender ON citizen_reports (address_hash, created_at);

-- The re-encoded JPEG (metadata stripped), apart from the row so listings never read it.
CREATE TABLE citizen_report_photos (
  report_id INTEGER PRIMARY KEY REFERENCES citizen_reports (id) ON DELETE CASCADE,
  jpeg BLOB NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL
) STRICT;

-- Moderation history: who did what, when, the status after it, the internal note (a rejection's
-- reason) and the public answer. Append only.
CREATE TABLE citizen_report_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  report_id INTEGER NOT NULL REFERENCES citizen_reports (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('approved', 'rejected', 'linked', 'resolved')),
  status TEXT NOT NULL,
  note TEXT,
  public_answer TEXT,
  station_id TEXT,
  alert_id TEXT
) STRICT;

CREATE INDEX citizen_report_events_report ON citizen_report_events (report_id, id);

CREATE TRIGGER citizen_report_events_no_update BEFORE UPDATE ON citizen_report_events
BEGIN
  SELECT RAISE(ABORT, 'moderation history is append only');
END;

-- The key of `address_hash`: random, made once per database, so a hash cannot be reversed by trying
-- every IPv4 address without the database itself.
CREATE TABLE citizen_report_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key BLOB NOT NULL
) STRICT;
INSERT INTO citizen_report_key (id, key) VALUES (1, randomblob(32));
