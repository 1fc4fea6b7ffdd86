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
