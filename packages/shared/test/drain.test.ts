/** The drain in-process (both services' processes run it; their own tests drive it under load): timeouts, and a drain of idle and busy sockets. */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SERVER_OPTIONS, drainable } from '../src/drain.js';

describe('drainable', () => {
  it('sets the keep-alive and request timeouts, answers the request in flight, then closes its idle socket', async () => {
    // GIVEN a server whose one request is held until the drain has begun
    let release: () => void = () => undefined;
    const server = createServer({ ...SERVER_OPTIONS }, (_req, res) => {
      release = () => res.end('done');
    });
    const drainer = drainable(server, { idleGraceMs: 50 });
    expect({ keepAlive: server.keepAliveTimeout, headers: server.headersTimeout, request: server.requestTimeout }).toEqual({
      keepAlive: 65_000,
      headers: 10_000,
      request: 30_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answered = new Promise<{ connection: string | undefined; body: string }>((resolve) => {
      request({ port, host: '127.0.0.1', path: '/' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ connection: res.headers.connection, body }));
      }).end();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // WHEN it drains
    const drained = drainer.drain(2000);
    release();
    // THEN the request in flight is answered, its socket closed once idle: nothing is forced
    expect((await answered).body).toBe('done');
    expect(await drained).toEqual({ forced: 0 });
  });
});
