/**
 * `GET /api/auth/bankid/start`: begins a live BankID sign-in. The API opens the flow (state,
 * nonce, PKCE) and answers the issuer URL; the flow id goes into this browser's flow cookie and
 * the browser to BankID. A GET (a link, not a form), because CSP form-action would stop a form's
 * redirect to the issuer; Fetch Metadata refuses one started by another site.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { crossSite } from '../../../../../lib/csrf';
import { answer, api } from '../../../../../lib/api';
import { seeOther, setFlowCookie } from '../../../../../lib/session';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const site = crossSite(request);
  if (site) return new NextResponse(`Refused: sign-in must start on this site (Sec-Fetch-Site: ${site})`, { status: 403 });
  const res = await answer(api().v1.auth.bankid.authorize.$post());
  if (!res.ok) return seeOther('/sign-in', res.body.error?.message ?? `BankID sign-in is unavailable (${res.status})`);
  const response = seeOther(res.body.authorizationUrl);
  setFlowCookie(response, res.body.flowId);
  return response;
}
