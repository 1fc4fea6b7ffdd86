/**
 * CSRF protection for the web app's state-changing routes (POST): the session cookie is already
 * SameSite=Strict; on top, a request must not come from another site (Fetch Metadata:
 * `Sec-Fetch-Site`), and its form must carry the double-submit token equal to the HttpOnly CSRF
 * cookie that the proxy sets, which another site can neither read nor set.
 */
import type { NextRequest } from 'next/server';
import { CSRF_COOKIE } from './session';

export const CSRF_FIELD = 'csrf';

function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Why the request is refused, or undefined when it may change state. */
export function csrfProblem(request: NextRequest, form: FormData): string | undefined {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return `refused a ${site} request (Sec-Fetch-Site): forms of this site only`;
  const cookie = request.cookies.get(CSRF_COOKIE)?.value;
  const sent = form.get(CSRF_FIELD);
  if (!cookie || typeof sent !== 'string' || !equal(cookie, sent))
    return 'the form lacks a valid CSRF token: reload the page and try again';
  return undefined;
}

/** Fetch Metadata for a GET that starts something: allowed from this site's pages or typed in. */
export function crossSite(request: NextRequest): string | undefined {
  const site = request.headers.get('sec-fetch-site');
  return site !== null && site !== 'same-origin' && site !== 'none' ? site : undefined;
}
