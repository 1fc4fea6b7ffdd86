/** `npm run review [-- --base <ref>] [--env <name>]... [--out <dir>]`: see review/cli.ts. */
import { runReview } from '../review/cli';

process.exitCode = runReview(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
