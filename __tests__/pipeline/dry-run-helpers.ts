/** What the dry-run tests share: the commit, and how they read a dry run's result. */
import { expect } from 'vitest';
import type { DryRunResult, TerraformCall } from '../../scripts/pipeline-dry-run';

export const SHA = 'c0ffee0000000000000000000000000000000001';
export const MINUTES = 60_000;

/** The stacks an environment's applies touched, in order. */
export function applies(calls: readonly TerraformCall[], environment: string): string[] {
  return calls.filter((c) => c.environment === environment && c.args[0] === 'apply' && c.status === 0).map((c) => c.stack);
}

export function step(result: DryRunResult, job: string, leg: string, name: string) {
  const found = result.steps.find((s) => s.job === job && s.leg.startsWith(leg) && s.step === name);
  expect(found, `${job} (${leg}) has no step "${name}"`).toBeDefined();
  return found!;
}

/** The versions of a release pointer, oldest first: value and description. */
export function history(result: DryRunResult, parameter: string): string[] {
  return (result.aws.state.parameters.get(parameter) ?? []).map((p) => `${p.value.split('@')[0]}: ${p.description}`);
}
