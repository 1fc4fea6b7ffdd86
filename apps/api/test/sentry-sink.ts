/**
 * A local HTTP endpoint standing in for Sentry's ingest (the DSN points at it): it records every
 * envelope posted to /api/<project>/envelope/ and parses it (header line, then item header and
 * payload pairs, newline-delimited JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Envelope {
  readonly raw: string;
  readonly header: Record<string, unknown>;
  readonly items: { header: Record<string, unknown>; payload: Record<string, unknown> }[];
}

export interface SentrySink {
  readonly dsn: string;
  readonly envelopes: Envelope[];
  /** Resolves with the first envelope holding an item of `type` (@default 'event'). */
  next(type?: string, timeoutMs?: number): Promise<Envelope>;
  close(): Promise<void>;
}

export function parseEnvelope(raw: string): Envelope {
  const lines = raw.split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0]);
  const items: Envelope['items'] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) items.push({ header: JSON.parse(lines[i]), payload: JSON.parse(lines[i + 1]) });
  return { raw, header, items };
}

export async function startSentrySink(): Promise<SentrySink> {
  const envelopes: Envelope[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?/.test(req.url ?? '')) {
        envelopes.push(parseEnvelope(body.toString('utf8')));
        waiters.splice(0).forEach((w) => w());
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const find = (type: string) => envelopes.find((e) => e.items.some((i) => i.header.type === type));
  return {
    dsn: `http://0123456789abcdef0123456789abcdef@127.0.0.1:${port}/42`,
    envelopes,
    async next(type = 'event', timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find(type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} envelope within ${timeoutMs} ms (got ${envelopes.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
