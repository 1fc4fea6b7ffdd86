-- Sessions that were signed out before they expired: a token whose id (`jti`) is here is refused.
-- A row is useless once the token has expired anyway; the cleanup sweep deletes it then.
CREATE TABLE revoked_tokens (
  jti uuid PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
