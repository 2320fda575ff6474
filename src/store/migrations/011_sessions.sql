-- Browser sessions: an API key exchanged for a cookie. Only a SHA-256 hash of the cookie's token
-- is kept, as for keys, so a copy of this table signs no one in.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  key_id       bigint NOT NULL REFERENCES api_keys (key_id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  -- When the session ends unless it is used again: moved forward by use (idle timeout), never
  -- past the longest lifetime after created_at. Set by the server's clock, as the cookie's is.
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);

-- The purge of ended sessions, and a revoked key's sessions.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_key ON sessions (key_id);
