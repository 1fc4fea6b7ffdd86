/** What the rule tests of every area share: a case breaks one thing in a real synth; the rule must report it. */
import { expect, it } from 'vitest';
import { runGate } from '../../../review/policy/gate';
import type { Rule } from '../../../review/policy/rules';
import type { Synth } from '../../../review/terraform';
import { WAIVERS } from '../../../review/waivers';
import { at, contextOf, shipped } from '../fixtures';

/** A shipped environment, or the bootstrap stack. */
export type Env = 'staging' | 'production' | 'control';

export interface Case {
  readonly rule: string;
  readonly name: string;
  readonly env?: Env;
  /** Breaks the synth; returns the stack and address the finding must name. */
  readonly broken: (synth: Synth) => { stack: string; address: string };
}

export const db = (s: Synth) => at(s, 'data', 'aws_db_instance', 'database/instance');
export const onDb = (change: (body: any) => void) => (s: Synth) => {
  const instance = db(s);
  change(instance.body);
  return { stack: 'data', address: instance.address };
};
export const onResource = (stack: string, type: string, path: string, change: (body: any) => void) => (s: Synth) => {
  const resource = at(s, stack, type, path);
  change(resource.body);
  return { stack, address: resource.address };
};
/** Breaks a statement of an aws_iam_policy_document; the finding names the resource that uses the document. */
export const onDocument = (stack: string, document: string, user: [string, string], change: (statements: any[]) => void) => (s: Synth) => {
  change(at(s, stack, 'data.aws_iam_policy_document', document).body.statement);
  return { stack, address: at(s, stack, user[0], user[1]).address };
};

const key = (f: { rule: string; stack: string; address: string }) => `${f.rule} ${f.stack} ${f.address}`;

/** The gate on the unbroken synth of an environment: the same for every case, so run once per environment. */
const unbroken = new Map<string, ReturnType<typeof runGate>>();
function gateOfShipped(env: string): ReturnType<typeof runGate> {
  if (!unbroken.has(env)) unbroken.set(env, runGate(shipped(env), contextOf(env), WAIVERS));
  return unbroken.get(env)!;
}

/** The tests of one area: a breaking case for each of its rules, and each case caught. */
export function ruleCases(rules: readonly Rule[], cases: readonly Case[]): void {
  it('has a breaking case for every rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(cases.map((c) => [c.rule, c.name, c] as const))('%s catches: %s', (_rule, _name, testCase) => {
    // GIVEN a real synth, and the same synth with one thing broken
    const env = testCase.env ?? 'staging';
    const before = gateOfShipped(env);
    const broken = shipped(env);
    const expected = testCase.broken(broken);
    // WHEN the gate runs
    const after = runGate(broken, contextOf(env), WAIVERS);
    // THEN the rule reports the broken resource, with its stack, address, message and fix
    const target = key({ rule: testCase.rule, ...expected });
    expect(before.findings.map(key)).not.toContain(target);
    const found = after.findings.find((f) => key(f) === target);
    expect(found, `${target} not in:\n${after.findings.map(key).join('\n')}`).toBeDefined();
    expect(found!.message.length).toBeGreaterThan(5);
    expect(found!.fix).toBe(rules.find((r) => r.id === testCase.rule)!.fix);
    expect(after.ok).toBe(false);
  });
}
