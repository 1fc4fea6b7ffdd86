import { Testing } from 'cdktf';

Testing.setupJest();

// cdktf captures a full stack trace for every token it creates (on a plain object, to say where a
// token came from when it fails to resolve), and vitest's source-map interceptor maps every frame
// of every one of them: that costs about as much as the synth itself (main.ts turns source maps off
// for the same reason). Those traces keep their frames, unmapped; errors keep their mapped stacks.
// Setup files run before every file of a worker (isolate: false), so wrap only once.
const mapped = Error.prepareStackTrace as
  (((error: Error, frames: NodeJS.CallSite[]) => unknown) & { unmappedForTokens?: true }) | undefined;
if (mapped && !mapped.unmappedForTokens) {
  const prepare = (target: Error, frames: NodeJS.CallSite[]) =>
    target instanceof Error ? mapped(target, frames) : frames.map((frame) => `    at ${frame}`).join('\n');
  Error.prepareStackTrace = Object.assign(prepare, { unmappedForTokens: true as const });
}
