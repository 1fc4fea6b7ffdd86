/** `POST /api/auth/sign-out`: forgets the session cookie. CSRF-protected. */
import { NextResponse, type NextRequest } from 'next/server';
import { csrfProblem } from '../../../../lib/csrf';
import { clearCookie, seeOther, SESSION_COOKIE } from '../../../../lib/session';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const problem = csrfProblem(request, await request.formData());
  if (problem) return new NextResponse(`Forbidden: ${problem}`, { status: 403 });
  const response = seeOther('/sign-in');
  clearCookie(response, SESSION_COOKIE);
  return response;
}
