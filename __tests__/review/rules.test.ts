/**
 * What holds for every rule of the gate. Each area's rules are caught on deliberately broken
 * copies of a real synth in `rules/<area>.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { runGate } from '../../review/policy/gate';
import { RULES } from '../../review/policy/rules';
import { iamRules } from '../../review/policy/rules/iam';
import { networkRules } from '../../review/policy/rules/network';
import { projectRules } from '../../review/policy/rules/project';
import { rdsRules } from '../../review/policy/rules/rds';
import { storageRules } from '../../review/policy/rules/storage';
import { WAIVERS } from '../../review/waivers';
import { at, contextOf, shipped } from './fixtures';

describe('policy rules', () => {
  it('are the rules of the areas, each tested in rules/<area>.test.ts', () => {
    expect(RULES).toEqual([...rdsRules, ...storageRules, ...iamRules, ...networkRules, ...projectRules]);
  });

  it('names a scanner rule (or "own") and a fix for every rule', () => {
    for (const rule of RULES) {
      expect(rule.mirrors.length, rule.id).toBeGreaterThan(0);
      expect(
        rule.mirrors.every((m) => m === 'own' || /^(checkov|trivy|KICS|terraform-aws-modules)\b/.test(m)),
        rule.id,
      ).toBe(true);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
    }
  });

  it('allows "*" only for actions without resource-level permissions', () => {
    const gate = (actions: string[]) => {
      const synth = shipped('staging');
      const statement = at(synth, 'compute', 'data.aws_iam_policy_document', 'api/pull').body.statement.find(
        (x: any) => x.sid === 'EcrLogin',
      );
      statement.actions = actions;
      return runGate(synth, contextOf('staging'), WAIVERS).findings.map((f) => f.rule);
    };
    expect(gate(['ecr:GetAuthorizationToken', 'apprunner:ListServices'])).toEqual([]);
    expect(gate(['ecr:GetAuthorizationToken', 'apprunner:ListOperations'])).toEqual(['iam-no-wildcard-resource']);
    expect(gate(['ecr:Get*'])).toEqual(['iam-no-wildcard-resource']);
  });
});
