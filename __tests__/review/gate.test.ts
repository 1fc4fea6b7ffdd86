import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { type Waiver, WaiverError, formatGate, runGate, validateWaivers } from '../../review/policy/gate';
import { WAIVERS } from '../../review/waivers';
import { at, contextOf, shipped } from './fixtures';

describe('policy gate on the shipped environments', () => {
  it.each(['staging', 'production', 'production-stockholm'] as const)('passes every stack of %s (waived findings only)', (env) => {
    // GIVEN the real synth WHEN the gate runs with the recorded waivers
    const result = runGate(shipped(env), contextOf(env), WAIVERS);
    // THEN nothing fails and no waiver is stale
    expect(result.findings, formatGate(result)).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('shows what staging waives, with the reasons', () => {
    const result = runGate(shipped('staging'), contextOf('staging'), WAIVERS);
    expect([...new Set(result.waived.map((w) => w.finding.rule))].sort()).toEqual([
      'log-group-retention',
      'rds-deletion-protection',
      'rds-multi-az',
      'secret-rotation',
    ]);
    expect(formatGate(result)).toContain('WAIVED data aws_db_instance.');
    expect(result.waived.every((w) => w.waiver.reason.length > 20)).toBe(true);
  });

  it("passes the bootstrap stack, waiving only the deploy role, the boundaries and the plan roles' reads", () => {
    const result = runGate(shipped('control'), contextOf('control'), WAIVERS);
    expect(result.findings, formatGate(result)).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
    expect([...new Set(result.waived.map((w) => `${w.finding.rule} ${w.finding.address.replace(/_[0-9A-F]{8}$/, '')}`))].sort()).toEqual(
      ['staging', 'production', 'production-stockholm']
        .flatMap((env) => [
          `iam-no-admin aws_iam_policy.identities-${env}_boundary`,
          `iam-no-admin aws_iam_role_policy.identities-${env}_tfc-apply_policy`,
          `iam-no-wildcard-resource aws_iam_policy.identities-${env}_boundary`,
          `iam-no-wildcard-resource aws_iam_role_policy.identities-${env}_github-pr-plan_policy`,
          `iam-no-wildcard-resource aws_iam_role_policy.identities-${env}_tfc-apply_policy`,
          `iam-no-wildcard-resource aws_iam_role_policy.identities-${env}_tfc-plan_policy`,
        ])
        .sort(),
    );
  });

  it('waives nothing in production but the secret rotation', () => {
    const result = runGate(shipped('production'), contextOf('production'), WAIVERS);
    expect([...new Set(result.waived.map((w) => w.finding.rule))]).toEqual(['secret-rotation']);
  });
});

describe('waivers', () => {
  const staging = () => runGate(shipped('staging'), contextOf('staging'), []);
  const multiAz = (): Waiver => ({
    rule: 'rds-multi-az',
    tier: 'staging',
    stack: 'data',
    address: at(shipped('staging'), 'data', 'aws_db_instance', 'database/instance').address,
    reason: 'Staging runs single-AZ by decision: test data only.',
  });

  it('fails without waivers: a finding is never skipped silently', () => {
    const result = staging();
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.rule)).toContain('rds-multi-az');
  });

  it('moves a covered finding to waived, keeping the finding and the reason', () => {
    const result = runGate(shipped('staging'), contextOf('staging'), [multiAz()]);
    expect(result.findings.map((f) => f.rule)).not.toContain('rds-multi-az');
    expect(result.waived).toEqual([{ finding: expect.objectContaining({ rule: 'rds-multi-az', stack: 'data' }), waiver: multiAz() }]);
  });

  it('does not apply a waiver of one tier to another', () => {
    const result = runGate(shipped('production'), contextOf('production'), [{ ...multiAz(), tier: 'staging' }]);
    expect(result.unusedWaivers).toEqual([]);
    const broken = shipped('production');
    at(broken, 'data', 'aws_db_instance', 'database/instance').body.multi_az = false;
    expect(runGate(broken, contextOf('production'), [multiAz()]).findings.map((f) => f.rule)).toContain('rds-multi-az');
  });

  it("gives a new environment its tier's waivers: they are keyed by tier, not by name", () => {
    // GIVEN the staging synth gated as a new staging-tier environment
    const result = runGate(shipped('staging'), { ...contextOf('staging'), environment: 'staging-eu' }, WAIVERS);
    // THEN the staging tier's waivers hold for it too
    expect(result.findings, formatGate(result)).toEqual([]);
    expect(result.waived.map((w) => w.finding.rule)).toContain('rds-multi-az');
  });

  it('fails the gate on a waiver that matches nothing', () => {
    const stale = { ...multiAz(), rule: 'rds-not-public' };
    const result = runGate(shipped('staging'), contextOf('staging'), [...WAIVERS, stale]);
    expect(result.findings).toEqual([]);
    expect(result.unusedWaivers).toEqual([stale]);
    expect(result.ok).toBe(false);
    expect(formatGate(result)).toContain('UNUSED WAIVER staging/data');
  });

  it('refuses bad waivers with one error listing every problem', () => {
    const bad: Waiver[] = [
      { ...multiAz(), rule: 'rds-multiaz' },
      { ...multiAz(), reason: 'cost' },
      { ...multiAz(), address: '*' },
    ];
    expect(() => validateWaivers(bad)).toThrow(WaiverError);
    expect(() => validateWaivers(bad)).toThrow(
      /3 problems[^]*unknown rule "rds-multiaz"[^]*reason must say why[^]*address "\*" would waive the rule for the whole stack/,
    );
  });
});

describe('policy gate on constructs', () => {
  it('catches a public database, an open security group and an inline admin policy built with constructs', () => {
    // GIVEN a stack written with the provider's constructs, wrong on purpose
    const stack = new TerraformStack(Testing.app(), 'data');
    new DbInstance(stack, 'db', {
      identifier: 'bad',
      engine: 'postgres',
      instanceClass: 'db.t3.micro',
      allocatedStorage: 20,
      username: 'u',
      manageMasterUserPassword: true,
      publiclyAccessible: true,
    });
    new SecurityGroup(stack, 'open', {
      description: 'open',
      ingress: [{ description: 'ssh', fromPort: 22, toPort: 22, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }],
    });
    const role = new IamRole(stack, 'role', {
      assumeRolePolicy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }],
      }),
    });
    new IamRolePolicy(stack, 'admin', {
      role: role.id,
      policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    });
    // WHEN the gate runs over its synthesized JSON
    const result = runGate({ data: JSON.parse(Testing.synth(stack)) }, { environment: 'test', zoneOwner: false });
    // THEN each is named with its address
    const found = result.findings.map((f) => `${f.rule} ${f.address}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'rds-not-public aws_db_instance.db',
        'rds-storage-encrypted aws_db_instance.db',
        'sg-no-public-ingress aws_security_group.open',
        'iam-no-admin aws_iam_role_policy.admin',
        'iam-no-wildcard-resource aws_iam_role_policy.admin',
      ]),
    );
    expect(found).not.toContain('iam-trust-no-wildcard-principal aws_iam_role.role');
  });
});
