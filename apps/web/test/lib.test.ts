/**
 * The web server's small rules on their own, in-process (the browser tests run the built server
 * in another process, where coverage cannot see them): the session cookie's shape, forms that are
 * not forms, CSRF, and the security headers.
 */
import { NextRequest, NextResponse } from 'next/server';
import { describe, expect, it } from 'vitest';
import { csrfProblem, crossSite } from '../lib/csrf';
import { readForm } from '../lib/form';
import { contentSecurityPolicy, newCsrfToken, newNonce, STATIC_SECURITY_HEADERS } from '../lib/security-headers';
import { CSRF_COOKIE, sessionToken } from '../lib/session';

const request = (body: BodyInit | undefined, headers: Record<string, string> = {}) =>
  new NextRequest('http://localhost/api/auth/sign-out', { method: 'POST', body, headers });

describe('the session cookie', () => {
  it('is a session only when it holds a token of the API’s shape', () => {
    expect(sessionToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    for (const bad of [undefined, '', 'abc\r\nforged: 1', 'a.b', 'a.b.c.d', `${'a'.repeat(5000)}.b.c`, 'a b.c.d'])
      expect(sessionToken(bad)).toBeUndefined();
  });
});

describe('reading a form', () => {
  it('answers 415 to a body that is not a form, and 400 to a broken one', async () => {
    const text = await readForm(request('csrf=x', { 'content-type': 'text/plain' }));
    expect(text).toBeInstanceOf(NextResponse);
    expect((text as NextResponse).status).toBe(415);
    expect(((await readForm(request('{}', { 'content-type': 'application/json' }))) as NextResponse).status).toBe(415);
    expect(((await readForm(request(undefined))) as NextResponse).status).toBe(415);
    const broken = await readForm(
      request('--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ny', { 'content-type': 'multipart/form-data; boundary=x' }),
    );
    expect((broken as NextResponse).status).toBe(400);
  });

  it('reads a form', async () => {
    const form = await readForm(request('csrf=abc&nationalId=1', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }));
    expect(form).toBeInstanceOf(FormData);
    expect((form as FormData).get('csrf')).toBe('abc');
  });
});

describe('CSRF', () => {
  const token = newCsrfToken();
  const withCookie = (headers: Record<string, string> = {}) => request(undefined, { cookie: `${CSRF_COOKIE}=${token}`, ...headers });
  const form = (csrf?: string) => {
    const f = new FormData();
    if (csrf !== undefined) f.set('csrf', csrf);
    return f;
  };

  it('lets a same-origin form with the cookie’s token through, and nothing else', () => {
    expect(csrfProblem(withCookie({ 'sec-fetch-site': 'same-origin' }), form(token))).toBeUndefined();
    expect(csrfProblem(withCookie(), form(token))).toBeUndefined();
    expect(csrfProblem(withCookie({ 'sec-fetch-site': 'cross-site' }), form(token))).toMatch(/cross-site/);
    expect(csrfProblem(withCookie(), form('forged'))).toMatch(/CSRF token/);
    expect(csrfProblem(withCookie(), form())).toMatch(/CSRF token/);
    expect(csrfProblem(request(undefined), form(token))).toMatch(/CSRF token/);
  });

  it('refuses a sign-in started by another site', () => {
    expect(crossSite(withCookie({ 'sec-fetch-site': 'cross-site' }))).toBe('cross-site');
    expect(crossSite(withCookie({ 'sec-fetch-site': 'none' }))).toBeUndefined();
  });
});

describe('security headers', () => {
  it('send HSTS of the web’s own, and a CSP whose scripts need this response’s nonce', () => {
    expect(STATIC_SECURITY_HEADERS['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
    const nonce = newNonce();
    expect(contentSecurityPolicy(nonce, false)).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic';`);
    expect(contentSecurityPolicy(nonce, true)).toContain("'unsafe-eval'");
    expect(newNonce()).not.toBe(nonce);
  });
});

describe('calling the API', () => {
  it('sends the session token and the first origin secret, and reads an answer or the error body', async () => {
    const { api, answer } = await import('../lib/api');
    const previous = { url: process.env.API_URL, secret: process.env.ORIGIN_VERIFY_SECRET };
    process.env.ORIGIN_VERIFY_SECRET = 'current-origin-secret-01,previous-origin-secret-01';
    const seen: Headers[] = [];
    const server = (await import('node:http')).createServer((req, res) => {
      seen.push(new Headers(req.headers as Record<string, string>));
      res.writeHead(req.url === '/v1/auth/me' ? 200 : 502, {
        'content-type': req.url === '/v1/auth/me' ? 'application/json' : 'text/plain',
      });
      res.end(req.url === '/v1/auth/me' ? '{"user":{"id":"u","name":"n"}}' : 'bad gateway');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.API_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const me = await answer(api('a.b.c').v1.auth.me.$get());
      expect(me).toEqual({ status: 200, ok: true, body: { user: { id: 'u', name: 'n' } } });
      expect(seen[0].get('authorization')).toBe('Bearer a.b.c');
      expect(seen[0].get('x-origin-verify')).toBe('current-origin-secret-01');
      const failed = await answer(api().v1.auth.bankid.$get());
      expect(failed).toEqual({ status: 502, ok: false, body: { error: { code: 'bad_response', message: 'The service answered 502' } } });
      expect(seen[1].get('authorization')).toBeNull();
    } finally {
      server.close();
      process.env.API_URL = previous.url;
      process.env.ORIGIN_VERIFY_SECRET = previous.secret;
      if (previous.url === undefined) delete process.env.API_URL;
      if (previous.secret === undefined) delete process.env.ORIGIN_VERIFY_SECRET;
    }
  });

  it('checks the edge header in constant time against the current and the previous secret', async () => {
    const { matchesAnySecret } = await import('../lib/origin-verify');
    const setting = 'current-origin-secret-01,previous-origin-secret-01';
    expect(await matchesAnySecret('current-origin-secret-01', setting)).toBe(true);
    expect(await matchesAnySecret('previous-origin-secret-01', setting)).toBe(true);
    expect(await matchesAnySecret(setting, setting)).toBe(false);
    expect(await matchesAnySecret('', setting)).toBe(false);
  });
});

describe('cookies and redirects', () => {
  it('sets the session HttpOnly, Secure, SameSite=Strict; the flow Lax; clears either; redirects relative', async () => {
    const { clearCookie, FLOW_COOKIE, SESSION_COOKIE, seeOther, setFlowCookie, setSessionCookie } = await import('../lib/session');
    const { formatAmount } = await import('../lib/format');
    const response = seeOther('/sign-in', 'BankID was refused');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/sign-in?error=BankID%20was%20refused');
    setSessionCookie(response, 'a.b.c', 3600);
    setFlowCookie(response, 'flow-id');
    expect(response.cookies.get(SESSION_COOKIE)).toMatchObject({
      value: 'a.b.c',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: 3600,
    });
    expect(response.cookies.get(FLOW_COOKIE)).toMatchObject({ value: 'flow-id', sameSite: 'lax', maxAge: 600 });
    clearCookie(response, SESSION_COOKIE);
    expect(response.cookies.get(SESSION_COOKIE)).toMatchObject({ value: '', maxAge: 0 });
    expect(formatAmount({ amountMinor: -4900, currency: 'NOK' }).replace(/\s/g, ' ')).toBe('−49,00 kr');
  });
});
