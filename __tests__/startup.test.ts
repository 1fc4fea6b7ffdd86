/**
 * startup.ts, as main.ts runs it: in a process of its own (it changes process-wide state, so it is
 * not imported here), the fixture importing it first and then cdktf, as main.ts does. The two
 * processes run at once.
 */
import * as path from 'node:path';
import { describe, it } from 'vitest';
import { run } from './helpers';

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'token-stack.ts');

/** The creation stack of a token made after startup.ts, in a process with `env` added. */
async function creationStack(env: NodeJS.ProcessEnv): Promise<string[]> {
  const processEnv = { ...process.env, ...env };
  if (env.DEBUG === undefined) delete processEnv.DEBUG;
  const result = await run(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, env: processEnv });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`the fixture failed (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe.concurrent('startup', () => {
  it('turns off the stack trace cdktf records for every token, unless DEBUG is set', async ({ expect }) => {
    // GIVEN no DEBUG, WHEN a token is made after startup.ts, THEN it records the note, not a trace
    expect(await creationStack({})).toEqual([expect.stringContaining('stack trace not recorded: run with DEBUG=1')]);
  });

  it('keeps the stack trace with DEBUG, so a token that fails to resolve says where it was made', async ({ expect }) => {
    const stack = await creationStack({ DEBUG: '1' });
    expect(stack.length).toBeGreaterThan(1);
    expect(stack.join('\n')).toContain('token-stack.ts');
  });
});
