/**
 * Error reports: a real error from the API goes through @sentry/node to a local endpoint standing
 * in for the DSN; the envelope carries release, environment and the exception, and nothing of the
 * national id, the token, the cookie or the Authorization header.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { scrub } from '@drop/shared/redact';
import { flushSentry, initSentry } from '../src/sentry.js';
import { embedded, NATIONAL_IDS, signIn, testApp } from './helpers.js';
import { startSentrySink, type SentrySink } from './sentry-sink.js';

describe('error reports (Sentry)', () => {
  let sink: SentrySink;
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    sink = await startSentrySink();
    ({ database, cleanup } = await embedded.open());
    await database.migrate();
  });
  afterAll(async () => {
    await sink.close();
    await cleanup();
  });

  it('sends an unexpected error with release and environment, scrubbed of personal data and credentials', async () => {
    // GIVEN an API reporting to the local endpoint, and a signed-in user
    const app = testApp(database, { reportError: initSentry({ dsn: sink.dsn, release: 'v2.3.4', environment: 'staging' }) });
    const nationalId = NATIONAL_IDS[1];
    let token = '';
    app.get('/v1/boom', () => {
      throw new Error(`lookup failed for ${nationalId} (token ${token})`);
    });
    token = await signIn(app, NATIONAL_IDS[0]);
    // (made at run time: the report's context lines quote this file's source)
    const [csrf, edgeSecret, code] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    // WHEN a request fails with an unexpected error
    const res = await app.request(`/v1/boom?nationalId=${nationalId}&code=${code}&limit=5`, {
      headers: {
        authorization: `Bearer ${token}`,
        cookie: `drop_session=${token}; drop_csrf=${csrf}`,
        'x-origin-verify': edgeSecret,
        'user-agent': 'vitest',
      },
    });
    expect(res.status).toBe(500);
    await flushSentry();
    // THEN the envelope names the release, environment and exception
    const envelope = await sink.next('event');
    interface SentEvent {
      release: string;
      environment: string;
      exception: { values: { type: string; value: string }[] };
      request: { headers: Record<string, string>; query_string: string };
    }
    const event = envelope.items.find((i) => i.header.type === 'event')!.payload as unknown as SentEvent;
    expect(event).toMatchObject({ release: 'v2.3.4', environment: 'staging' });
    expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: 'lookup failed for [national-id] (token [token])' });
    expect(event.request.headers).toMatchObject({ authorization: '[Filtered]', 'x-origin-verify': '[Filtered]', 'user-agent': 'vitest' });
    expect(event.request.headers.cookie ?? '[Filtered]').toBe('[Filtered]');
    expect(event.request.query_string).toContain('limit=5');
    // and nothing sensitive anywhere in what was sent
    for (const secret of [nationalId, NATIONAL_IDS[0], token, token.split('.')[1], csrf, edgeSecret, code]) {
      expect(envelope.raw).not.toContain(secret);
    }
  });

  it('scrubs with the same rules in the web app: its Sentry uses this module, not a copy', () => {
    const web = (file: string) => path.join(import.meta.dirname, '..', '..', 'web', file);
    expect(readFileSync(web('instrumentation.ts'), 'utf8')).toContain("import('../api/src/scrub')");
    expect(existsSync(web('lib/scrub.ts'))).toBe(false);
  });

  it('scrubs breadcrumbs and header pairs as well', () => {
    expect(
      scrub({
        breadcrumbs: [
          { message: `GET /v1/users/150585 34541?state=abc`, data: { Authorization: 'Basic dXNlcjpwYXNz', url: '/cb?code=xyz&iss=a' } },
        ],
        headers: [
          ['Cookie', 'a=b'],
          ['Accept', 'text/html'],
        ],
      }),
    ).toEqual({
      breadcrumbs: [
        {
          message: 'GET /v1/users/[national-id]?state=[Filtered]',
          data: { Authorization: '[Filtered]', url: '/cb?code=[Filtered]&iss=a' },
        },
      ],
      headers: [
        ['Cookie', '[Filtered]'],
        ['Accept', 'text/html'],
      ],
    });
  });
});
