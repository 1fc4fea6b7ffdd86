/**
 * `GET /api/auth/bankid/callback` (BANKID_CALLBACK_URL): BankID sends the browser back here with
 * `code`, `state` and `iss`. The flow id from this browser's cookie and those parameters go to the
 * API, which checks the state against the flow, exchanges the code and verifies the ID token. The
 * API's token becomes the session cookie.
 *
 * The answer is a small page that moves on to /sign-in, not a redirect: this request came from
 * BankID's site, and a browser sends no SameSite=Strict cookie on a redirect chain that started
 * on another site, so /sign-in must be a fresh navigation from this site.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { OIDC_CALLBACK_PARAMS } from '@drop/shared/headers';
import { answer, api } from '../../../../../lib/api';
import { clearCookie, FLOW_COOKIE, setSessionCookie } from '../../../../../lib/session';

export const dynamic = 'force-dynamic';
const PARAMS: readonly string[] = OIDC_CALLBACK_PARAMS;

function continuePage(path: string): NextResponse {
  const href = path.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing in…</title></head><body><p><a href="${href}">Continue</a></p></body></html>`;
  return new NextResponse(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

export async function GET(request: NextRequest) {
  const flowId = request.cookies.get(FLOW_COOKIE)?.value;
  const params = Object.fromEntries([...request.nextUrl.searchParams].filter(([key]) => PARAMS.includes(key)));
  let response: NextResponse;
  if (!flowId) {
    response = continuePage(`/sign-in?error=${encodeURIComponent('No BankID sign-in was started in this browser; start again')}`);
  } else {
    const res = await answer(api().v1.auth.bankid.callback.$post({ json: { flowId, params } }));
    if (res.ok) {
      response = continuePage('/sign-in');
      setSessionCookie(response, res.body.token, res.body.expiresIn);
    } else {
      response = continuePage(`/sign-in?error=${encodeURIComponent(res.body.error?.message ?? `Sign-in failed (${res.status})`)}`);
    }
  }
  clearCookie(response, FLOW_COOKIE);
  return response;
}
