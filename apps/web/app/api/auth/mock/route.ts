/**
 * `POST /api/auth/mock` (development only: the API refuses mock sign-in in production): the
 * sign-in form's national identity number goes through the API's mock order/collect, and the
 * token becomes the session cookie. CSRF-protected like every state-changing route.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { csrfProblem } from '../../../../lib/csrf';
import { answer, api } from '../../../../lib/api';
import { readForm } from '../../../../lib/form';
import { seeOther, setSessionCookie } from '../../../../lib/session';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest) {
  const form = await readForm(request);
  if (form instanceof NextResponse) return form;
  const problem = csrfProblem(request, form);
  if (problem) return new NextResponse(`Forbidden: ${problem}`, { status: 403 });
  const nationalId = String(form.get('nationalId') ?? '').replace(/\s/g, '');
  const start = await answer(api().v1.auth.bankid.start.$post({ json: { nationalId } }));
  if (!start.ok) return seeOther('/sign-in', start.body.error?.message);
  const collect = await answer(api().v1.auth.bankid.collect.$post({ json: { orderRef: start.body.orderRef } }));
  if (!collect.ok) return seeOther('/sign-in', collect.body.error?.message);
  const response = seeOther('/sign-in');
  setSessionCookie(response, collect.body.token, collect.body.expiresIn);
  return response;
}
