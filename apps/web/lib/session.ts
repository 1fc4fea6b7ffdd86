/**
 * Sign-in state of the web app, kept in cookies the page's scripts cannot read (HttpOnly), and
 * the server-side calls to the API that use it. The browser never holds the API token in
 * script-readable storage and never calls the API itself: the web server does, with the token
 * from the cookie as `Authorization: Bearer`.
 *
 * - session: the API token. HttpOnly, Secure, SameSite=Strict: never sent on a cross-site request.
 * - flow: the id of a live BankID sign-in in progress (the API keeps its state, nonce and PKCE
 *   verifier). SameSite=Lax, because BankID sends the browser back to the callback from its own
 *   site, and a Strict cookie would not come along; it binds the callback's state to this browser.
 * - csrf: the double-submit token that every state-changing form carries (see csrf.ts).
 * The `__Host-` prefix pins each cookie to this host (Secure, Path=/, no Domain): a sibling
 * subdomain cannot plant one.
 */
import { NextResponse } from 'next/server';

export const SESSION_COOKIE = '__Host-drop-session';
export const FLOW_COOKIE = '__Host-drop-bankid-flow';
export const CSRF_COOKIE = '__Host-drop-csrf';
/** The proxy hands the CSRF token to the page through this request header. */
export const CSRF_HEADER = 'x-drop-csrf';
export const NONCE_HEADER = 'x-nonce';

export const apiUrl = (): string => process.env.API_URL || 'http://localhost:3001';

export interface ApiAnswer<T> {
  readonly status: number;
  readonly ok: boolean;
  readonly body: T & { error?: { code: string; message: string } };
}

/** Calls the API from the server; `token` becomes the Bearer credential. */
export async function callApi<T>(path: string, init: { method?: string; token?: string; json?: unknown } = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  // Like the edge, the first value: so API_URL may name the api service itself, past the edge
  // (whose per-IP rate limits would count every user of this server as one client).
  const originSecret = process.env.ORIGIN_VERIFY_SECRET?.split(',')[0]?.trim();
  if (originSecret) headers['x-origin-verify'] = originSecret;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiUrl()}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    cache: 'no-store',
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({ error: { code: 'bad_response', message: `The service answered ${res.status}` } }))) as ApiAnswer<T>['body'];
  return { status: res.status, ok: res.ok, body };
}

export function setSessionCookie(response: NextResponse, token: string, maxAgeSeconds: number): void {
  response.cookies.set(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: maxAgeSeconds });
}

export function setFlowCookie(response: NextResponse, flowId: string): void {
  response.cookies.set(FLOW_COOKIE, flowId, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 600 });
}

export function clearCookie(response: NextResponse, name: string): void {
  response.cookies.set(name, '', { httpOnly: true, secure: true, sameSite: name === FLOW_COOKIE ? 'lax' : 'strict', path: '/', maxAge: 0 });
}

/**
 * A 303 to `location`: a page of this app (relative, so no proxy's idea of the host leaks in),
 * with an optional error message for it to show, or the issuer's absolute URL.
 */
export function seeOther(location: string, error?: string): NextResponse {
  const target = error ? `${location}?error=${encodeURIComponent(error)}` : location;
  return new NextResponse(null, { status: 303, headers: { location: target, 'cache-control': 'no-store' } });
}
