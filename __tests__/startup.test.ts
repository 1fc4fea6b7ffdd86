/**
 * startup.ts, as main.ts runs it: in a process of its own (it changes process-wide state, so it is
 * not imported here), the fixture importing it first and then cdktf, as main.ts does.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'token-stack.ts');

function creationStack(env: NodeJS.ProcessEnv): string[] {
  const env_ = { ...process.env, ...env };
  if (env.DEBUG === undefined) delete env_.DEBUG;
  const result = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, env: env_, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as string[];
}

describe('startup', () => {
  it('turns off the stack trace cdktf records for every token, unless DEBUG is set', () => {
    // GIVEN no DEBUG, WHEN a token is made after startup.ts, THEN it records the note, not a trace
    expect(creationStack({})).toEqual([expect.stringContaining('stack trace not recorded: run with DEBUG=1')]);
  });

  it('keeps the stack trace with DEBUG, so a token that fails to resolve says where it was made', () => {
    const stack = creationStack({ DEBUG: '1' });
    expect(stack.length).toBeGreaterThan(1);
    expect(stack.join('\n')).toContain('token-stack.ts');
  });
});
