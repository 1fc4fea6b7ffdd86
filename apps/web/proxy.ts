/**
 * Origin protection: with ORIGIN_VERIFY_SECRET set, every request must carry the edge's
 * `X-Origin-Verify` header (the current or the previous secret), except the health route that
 * App Runner calls directly (GET and HEAD).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { HEALTH_METHODS, HEALTH_PATH, matchesAnySecret } from './lib/origin-verify';

export async function proxy(request: NextRequest) {
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  if (!secret) return NextResponse.next();
  if (HEALTH_METHODS.includes(request.method) && request.nextUrl.pathname === HEALTH_PATH) return NextResponse.next();
  const received = request.headers.get('x-origin-verify');
  if (received !== null && (await matchesAnySecret(received, secret))) return NextResponse.next();
  return new NextResponse('Forbidden: requests must come through the edge', { status: 403, headers: { 'content-type': 'text/plain' } });
}
