/**
 * What main.ts sets before any other module loads (it imports this first).
 *
 * Source maps: tsx turns them on, and Node then decodes the inline source map of every file it
 * compiles from then on (about 700, the providers' included), and maps every stack trace taken
 * (cdktf takes one for each token it creates). Turning them off here, before the app's modules
 * load rather than after, saved 8 % of synth's CPU time (December 2026, docs/testing.md) for
 * traces no user reads: a refusal prints its message alone. With DEBUG set it prints the stack
 * too, so they stay on, mapped to the TypeScript lines.
 */
process.setSourceMapsEnabled(Boolean(process.env.DEBUG));
