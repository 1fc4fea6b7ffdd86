/**
 * What main.ts sets before any other module loads (it imports this first). Both are off unless
 * DEBUG is set: a refusal then prints its stack, mapped to the TypeScript lines, and a token that
 * fails to resolve says where it was made. Without DEBUG nobody reads either: a refusal prints its
 * message alone, and `stackTraces: false` (main.ts) keeps cdktf's traces out of the output.
 *
 * Source maps: tsx turns them on, and Node then decodes the inline source map of every file it
 * compiles from then on (about 700, the providers' included), and maps every stack trace taken.
 * Turning them off here, before the app's modules load rather than after, saved 8 % of synth's
 * CPU time (December 2026, docs/testing.md).
 *
 * Token stack traces: cdktf 0.21 captures a stack trace of unlimited depth for every token it
 * creates (Lazy, intrinsics, references; `cdktf/lib/tokens/private/stack-trace.js`), whatever the
 * App's `stackTraces` says, and formats it at once: thousands per synth. Its callers look the
 * function up on that module's exports at each call (`(0, stack_trace_1.captureStackTrace)()`),
 * so replacing the export turns them off. cdktf is pinned exactly; the test of this file fails if
 * an upgrade moves the module or stops calling through it.
 */
import { createRequire } from 'node:module';

const debug = Boolean(process.env.DEBUG);

process.setSourceMapsEnabled(debug);

/** What a token records instead of its creation stack. */
const NO_STACK_TRACE = ['(stack trace not recorded: run with DEBUG=1 to record where this token was created)'];

if (!debug) {
  const stackTrace = createRequire(__filename)('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [...NO_STACK_TRACE];
}
