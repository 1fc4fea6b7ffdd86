-- Live BankID sign-in (OpenID Connect): one row per authorization request in progress. The web
-- app keeps the row's id in an HttpOnly cookie, which binds the request to that browser; the
-- callback consumes the row (single use) and ends the flow.
CREATE TABLE oidc_flows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE INDEX oidc_flows_expires_at ON oidc_flows (expires_at);
