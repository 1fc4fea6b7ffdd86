/**
 * Origin protection: with ORIGIN_VERIFY_SECRET set, every request must carry the edge's
 * `X-Origin-Verify` header, except the health route that App Runner calls directly.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { HEALTH_PATH, secretsMatch } from './lib/origin-verify';

export async function proxy(request: NextRequest) {
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  if (!secret) return NextResponse.next();
  if (request.method === 'GET' && request.nextUrl.pathname === HEALTH_PATH) return NextResponse.next();
  const received = request.headers.get('x-origin-verify');
  if (received !== null && (await secretsMatch(received, secret))) return NextResponse.next();
  return new NextResponse('Forbidden: requests must come through the edge', { status: 403, headers: { 'content-type': 'text/plain' } });
}
