// The baseline for `npm run bench`: a bare Hono app on @hono/node-server with one JSON route.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/v1/health', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => console.error(`listening on :${info.port}`));
process.once('SIGTERM', () => process.exit(0));
