-- Console users and API tokens (issue 14). Roles and scope are JSON arrays; NULL scope = no restriction.
-- `stamp` is a random value renewed on every change of password, roles or scope: sessions and live
-- streams remember it and end when it differs.
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  roles TEXT NOT NULL CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  operators TEXT CHECK (operators IS NULL OR (json_valid(operators) AND json_type(operators) = 'array')),
  kinds TEXT CHECK (kinds IS NULL OR (json_valid(kinds) AND json_type(kinds) = 'array')),
  language TEXT NOT NULL DEFAULT 'id',
  stamp TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE CHECK (token_hash LIKE 'sha256$%'),
  roles TEXT NOT NULL CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  operators TEXT CHECK (operators IS NULL OR (json_valid(operators) AND json_type(operators) = 'array')),
  kinds TEXT CHECK (kinds IS NULL OR (json_valid(kinds) AND json_type(kinds) = 'array')),
  stamp TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
