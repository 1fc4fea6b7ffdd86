/**
 * Sign-in state of the web app, kept in cookies the page's scripts cannot read (HttpOnly). The
 * browser never holds the API token in script-readable storage and never calls the API itself:
 * the web server does (lib/api.ts), with the token from the cookie as `Authorization: Bearer`.
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

/** What the API issues: a JWT, three base64url parts. Anything else in the cookie is no session. */
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The session cookie's token, or undefined when it holds none: a cookie the browser (or an
 * attacker) filled with something else (`%0d%0a`, which Next decodes into a line break) must not
 * reach the Authorization header, where it would fail the request as a 500.
 */
export function sessionToken(value: string | undefined): string | undefined {
  return value !== undefined && value.length <= 4096 && TOKEN.test(value) ? value : undefined;
}

export const SESSION_COOKIE = '__Host-drop-session';
export const FLOW_COOKIE = '__Host-drop-bankid-flow';
export const CSRF_COOKIE = '__Host-drop-csrf';
/** The proxy hands the CSRF token to the page through this request header. */
export const CSRF_HEADER = 'x-drop-csrf';

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
