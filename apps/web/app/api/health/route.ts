/** The web service's health route (App Runner: every 10 s, 5 s timeout). */
import pkg from '../../../package.json';

export const dynamic = 'force-dynamic';
const startedAt = Date.now();
/** The release (image tag) the compute stack or the image build sets; else the package version. */
const version = () => process.env.APP_VERSION || pkg.version;

export function GET() {
  return Response.json(
    { status: 'ok', version: version(), uptime: Math.floor((Date.now() - startedAt) / 1000), timestamp: new Date().toISOString() },
    { headers: { 'cache-control': 'no-store' } },
  );
}
