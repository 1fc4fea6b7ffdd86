/**
 * The web server's calls to the API, through hono's typed client: `hc<AppType>` knows every
 * route of the API, its input and its answers (apps/api/src/app.ts exports AppType), so a renamed
 * route or field fails `npm run typecheck` here instead of a request in production.
 *
 * The browser never calls the API: the web server does, with the session cookie's token as
 * `Authorization: Bearer`. Each call gets a fresh client, so the settings are read when the
 * request is served (one image serves every environment) and each request has its own timeout.
 */
import { hc, type ClientResponse } from 'hono/client';
// A type-only import: nothing of the API's code enters the web app's bundle.
import type { AppType } from '@drop/api/app';
// Shared with the API and the edge (packages/shared).
import { ORIGIN_VERIFY_HEADER, originSecrets } from '@drop/shared/headers';

export const apiUrl = (): string => process.env.API_URL || 'http://localhost:3001';
const TIMEOUT_MS = 15_000;

/** The typed client for one request; `token` becomes the Bearer credential. */
export function api(token?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  // Like the edge, the first value: so API_URL may name the api service itself, past the edge
  // (whose per-IP rate limits would count every user of this server as one client).
  const setting = process.env.ORIGIN_VERIFY_SECRET;
  const originSecret = setting ? originSecrets(setting)[0] : undefined;
  if (originSecret) headers[ORIGIN_VERIFY_HEADER] = originSecret;
  return hc<AppType>(apiUrl(), { headers, init: { cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) } });
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly ok: boolean;
  /** The route's answer, or on failure the API's error body (`bad_response` when it sent no JSON). */
  readonly body: T & { error?: { code: string; message: string } };
}

/** Waits for a call and reads its JSON body, typed by the route. */
export async function answer<T>(call: Promise<ClientResponse<T>>): Promise<ApiAnswer<T>> {
  const res = await call;
  const body = (await res
    .json()
    .catch(() => ({ error: { code: 'bad_response', message: `The service answered ${res.status}` } }))) as ApiAnswer<T>['body'];
  return { status: res.status, ok: res.ok, body };
}
