/**
 * Runs before every request:
 * - origin protection: with ORIGIN_VERIFY_SECRET set, every request must carry the edge's
 *   `X-Origin-Verify` header (the current or the previous secret), except the health route that
 *   App Runner calls directly (GET and HEAD);
 * - security headers, with a fresh CSP nonce per request (lib/security-headers.ts);
 * - the CSRF cookie, created on first visit and handed to the page in a request header.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { ORIGIN_VERIFY_HEADER } from '@drop/shared/headers';
import { HEALTH_METHODS, HEALTH_PATH, matchesAnySecret } from './lib/origin-verify';
import { contentSecurityPolicy, newCsrfToken, newNonce, STATIC_SECURITY_HEADERS } from './lib/security-headers';
import { CSRF_COOKIE, CSRF_HEADER } from './lib/session';

export async function proxy(request: NextRequest) {
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  const exempt = HEALTH_METHODS.includes(request.method) && request.nextUrl.pathname === HEALTH_PATH;
  if (secret && !exempt) {
    const received = request.headers.get(ORIGIN_VERIFY_HEADER);
    if (received === null || !(await matchesAnySecret(received, secret))) {
      return new NextResponse('Forbidden: requests must come through the edge', {
        status: 403,
        headers: { 'content-type': 'text/plain', ...STATIC_SECURITY_HEADERS },
      });
    }
  }

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce);
  const existingCsrf = request.cookies.get(CSRF_COOKIE)?.value;
  const csrf = existingCsrf ?? newCsrfToken();

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  requestHeaders.set(CSRF_HEADER, csrf);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  if (!existingCsrf) response.cookies.set(CSRF_COOKIE, csrf, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
  return response;
}
