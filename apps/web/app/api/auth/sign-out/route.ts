/**
 * `POST /api/auth/sign-out`: revokes the session at the API (the token is refused from then on,
 * not only forgotten by this browser) and clears the cookie. CSRF-protected. A body that is not a
 * form is a 415, a broken form a 400; if the API cannot be reached the cookie is cleared anyway.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { csrfProblem } from '../../../../lib/csrf';
import { api } from '../../../../lib/api';
import { readForm } from '../../../../lib/form';
import { clearCookie, seeOther, SESSION_COOKIE, sessionToken } from '../../../../lib/session';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const form = await readForm(request);
  if (form instanceof NextResponse) return form;
  const problem = csrfProblem(request, form);
  if (problem) return new NextResponse(`Forbidden: ${problem}`, { status: 403 });
  const token = sessionToken(request.cookies.get(SESSION_COOKIE)?.value);
  if (token) {
    const revoked = await api(token)
      .v1.auth['sign-out'].$post()
      .then((res) => res.ok)
      .catch(() => false);
    if (!revoked) console.error('[web] sign-out: the API did not revoke the session; the cookie is cleared anyway');
  }
  const response = seeOther('/sign-in');
  clearCookie(response, SESSION_COOKIE);
  return response;
}
