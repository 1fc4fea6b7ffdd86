/** The one redactor (logs, the access log, and Sentry in both services use it): each rule with the input it exists for. */
import { describe, expect, it } from 'vitest';
import { FILTERED, escapeControl, redactText, safeLine, scrub } from '../src/redact.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('redactText', () => {
  it("drops drizzle's query parameters and keeps the statement", () => {
    const message =
      'Failed query: insert into "transactions" ("user_id", "description") values ($1, $2) returning *\nparams: 4f1c2a4e-0000-4000-8000-000000000001,Husleie til Ola Nordmann 31129945616';
    expect(redactText(message)).toBe(
      `Failed query: insert into "transactions" ("user_id", "description") values ($1, $2) returning *\nparams: ${FILTERED}`,
    );
  });

  it('masks national identity numbers in every written form', () => {
    for (const written of [
      '31129945616',
      '311299 45616',
      '311299-45616',
      '311299.45616',
      '31.12.99 45616',
      '31 12 99 45616',
      '311299\u00a045616',
    ])
      expect(redactText(`id ${written}.`), written).toBe('id [national-id].');
    // Not an id: longer digit runs, amounts, times, UUIDs.
    for (const other of ['123456789012', '4250000', '2026-12-07T22:50:05Z', '4f1c2a4e-0000-4000-8000-000000000001'])
      expect(redactText(other), other).toBe(other);
  });

  it('leaves identifiers alone that hold eleven digits in a row: request ids, digests, commits', () => {
    // A random UUID's last group is twelve hex characters: about one in a hundred holds eleven
    // digits beside a letter (a request id in the access log was written as "...-[national-id]e").
    for (const id of [
      '6e112252-5cc2-4cce-875c-01234567890e',
      '6e112252-5cc2-4cce-875c-e01234567890',
      'sha256:ab31129945616cd',
      'c0ffee31129945616',
      'v31129945616',
    ])
      expect(redactText(`request ${id} done`), id).toBe(`request ${id} done`);
    // A national id beside punctuation, a path or a key is still one.
    for (const [text, masked] of [
      ['/v1/users/31129945616/orders', '/v1/users/[national-id]/orders'],
      ['fnr=31129945616&x=1', 'fnr=[national-id]&x=1'],
      ['(31129945616)', '([national-id])'],
      ['"31129945616"', '"[national-id]"'],
      ['id-31129945616', 'id-[national-id]'],
      ['id_31129945616', 'id_[national-id]'],
    ])
      expect(redactText(text), text).toBe(masked);
  });

  it('masks JWTs, Bearer and Basic credentials, and URL passwords', () => {
    expect(redactText(`Authorization: Bearer ${JWT}; then ${JWT}, Basic dXNlcjpwYXNz and postgres://drop:s3cret@db:5432/drop`)).toBe(
      `Authorization: Bearer ${FILTERED}; then [jwt], Basic ${FILTERED} and postgres://drop:${FILTERED}@db:5432/drop`,
    );
  });

  it("masks cookies, OpenID Connect's state, nonce, code and verifier, in URLs, forms and JSON", () => {
    expect(redactText('Cookie: __Host-drop-session=abc; __Host-drop-csrf=def')).toBe(`Cookie: ${FILTERED}`);
    expect(redactText('sent __Host-drop-session=not.a.jwt and csrf=x1')).toBe(`sent __Host-drop-session=${FILTERED} and csrf=${FILTERED}`);
    expect(redactText('/cb?code=abc&state=def&iss=https://bankid&nonce=n1#session_state=s')).toBe(
      `/cb?code=${FILTERED}&state=${FILTERED}&iss=https://bankid&nonce=${FILTERED}#session_state=${FILTERED}`,
    );
    expect(redactText('code_verifier=pkce-verifier-value&grant_type=authorization_code')).toBe(
      `code_verifier=${FILTERED}&grant_type=authorization_code`,
    );
    expect(redactText('{"state":"s1","nonce":"n1","codeVerifier":"v1","nationalId":"x","amount":5}')).toBe(
      `{"state":"${FILTERED}","nonce":"${FILTERED}","codeVerifier":"${FILTERED}","nationalId":"${FILTERED}","amount":5}`,
    );
  });
});

describe('safeLine', () => {
  it('redacts, then escapes control characters so a newline cannot start a forged line', () => {
    expect(safeLine('ok 31129945616\n[api] forged\r\u0000\u001b[31m\u2028')).toBe(
      'ok [national-id]\\u000a[api] forged\\u000d\\u0000\\u001b[31m\\u2028',
    );
    expect(escapeControl('a\tb')).toBe('a\\u0009b');
  });
});

describe('scrub', () => {
  it('filters values under sensitive keys and header pairs by name, and redacts every other string', () => {
    expect(
      scrub({
        request: {
          headers: { Authorization: 'Bearer x', 'X-Origin-Verify': 'edge', cookie: 'a=b', 'user-agent': 'vitest' },
          url: '/cb?code=xyz&iss=a',
        },
        extra: { state: 's', nonce: 'n', code_verifier: 'v', params: ['31129945616'], limit: 5, when: new Date(0) },
        breadcrumbs: [
          {
            message: 'GET /v1/users/150585 34541',
            data: [
              ['Cookie', 'a=b'],
              ['Accept', 'text/html'],
            ],
          },
        ],
      }),
    ).toEqual({
      request: {
        headers: { Authorization: FILTERED, 'X-Origin-Verify': FILTERED, cookie: FILTERED, 'user-agent': 'vitest' },
        url: `/cb?code=${FILTERED}&iss=a`,
      },
      extra: { state: FILTERED, nonce: FILTERED, code_verifier: FILTERED, params: FILTERED, limit: 5, when: new Date(0) },
      breadcrumbs: [
        {
          message: 'GET /v1/users/[national-id]',
          data: [
            ['Cookie', FILTERED],
            ['Accept', 'text/html'],
          ],
        },
      ],
    });
  });
});
