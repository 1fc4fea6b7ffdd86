// The baseline for `npm run bench`: a bare Hono app on @hono/node-server with one JSON route.
// BARE_SECURE_HEADERS=1 adds hono's secureHeaders(), as the API has: what those headers alone cost.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const app = new Hono();
if (process.env.BARE_SECURE_HEADERS === '1') app.use('*', secureHeaders());
app.get('/v1/health', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => console.error(`listening on :${info.port}`));
process.once('SIGTERM', () => process.exit(0));
