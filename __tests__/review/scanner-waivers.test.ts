/**
 * The real scanners' waivers, generated from review/waivers.ts (review/scanner-waivers.ts), and the
 * pull-request job that runs the scanners. The scanners cannot run here; their check ids come from
 * their own sources (review/scanners/catalog.json, npm run scanner-catalog).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { knownEnvironments } from '../../config';
import { STACK_IDS } from '../../constructs/naming';
import { runGate } from '../../review/policy/gate';
import { RULES } from '../../review/policy/rules';
import { CATALOG, scannerChecks, scannerWaivers, widerRows } from '../../review/scanner-waivers';
import { WAIVERS } from '../../review/waivers';
import type { Step, Workflow } from '../../scripts/dry-run/workflow';
import { contextOf, shipped } from './fixtures';

const waiversOf = (name: string) => scannerWaivers(shipped(name), runGate(shipped(name), contextOf(name), WAIVERS));
const ROOT = path.join(__dirname, '..', '..');

describe('the scanner rule ids', () => {
  it('of every waiver: its rule stands for at least one check each scanner knows, and only for known ones (or is ours alone, which no scanner checks)', () => {
    for (const waiver of WAIVERS) {
      const rule = RULES.find((r) => r.id === waiver.rule)!;
      const checks = scannerChecks(rule);
      // A rule of our own only (the Cloudflare ones: neither scanner reads Cloudflare records) has nothing to waive there.
      if (rule.mirrors.every((mirror) => mirror === 'own')) continue;
      expect(checks.length, `${waiver.rule}: mirrors no scanner check`).toBeGreaterThan(0);
      expect(
        checks.filter((c) => !c.known).map((c) => c.mirror),
        waiver.rule,
      ).toEqual([]);
    }
  });

  it('of every rule: each scanner check a rule names exists in the scanner', () => {
    const unknown = RULES.flatMap((rule) =>
      scannerChecks(rule)
        .filter((c) => !c.known)
        .map((c) => `${rule.id}: ${c.mirror}`),
    );
    expect(unknown).toEqual([]);
  });

  it('catches an id the scanner no longer has (trivy merged AVD-AWS-0082 into AVD-AWS-0180 in 2023)', () => {
    expect(scannerChecks({ mirrors: ['checkov CKV_AWS_17', 'trivy AVD-AWS-0082', 'own'] })).toEqual([
      { scanner: 'checkov', id: 'CKV_AWS_17', known: true, mirror: 'checkov CKV_AWS_17' },
      { scanner: 'trivy', id: 'AVD-AWS-0082', known: false, mirror: 'trivy AVD-AWS-0082' },
    ]);
    expect(scannerChecks({ mirrors: ['trivy AVD-AWS-0180'] })[0].id).toBe('AWS-0180');
  });

  it('come from the versions the workflow runs', () => {
    expect(CATALOG.checkov.ref).toBe('3.3.13');
    expect(CATALOG.trivy.ref).toBe('v2.2.0');
  });
});

describe('the generated waivers', () => {
  it('waive in trivy exactly the waived check on the waived resource, per stack', () => {
    const data = waiversOf('staging').find((w) => w.stack === 'data')!;
    const database = Object.keys(shipped('staging').data.resource!.aws_db_instance)[0];
    expect(
      [...data.trivy.matchAll(/check\("([\w-]+)"\)\n\tinput\.CauseMetadata\.Resource == "(.+)"/g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual([`AWS-0177 aws_db_instance.${database}`]);
    expect(data.trivy).toMatch(/^package trivy\n\ndefault ignore = false\n/m);
    // production waives no deletion protection: its policy ignores nothing
    expect(waiversOf('production').find((w) => w.stack === 'data')!.trivy).not.toContain('ignore {');
  });

  it("skip in checkov the waived checks of each stack, and no other stack's", () => {
    const skips = Object.fromEntries(waiversOf('staging').map((w) => [w.stack, w.checkovSkips]));
    expect(skips).toEqual({
      compute: [],
      data: ['CKV_AWS_66', 'CKV_AWS_157', 'CKV_AWS_293', 'CKV_AWS_338', 'CKV2_AWS_57'],
      edge: [],
      registry: [],
    });
    const config = load(waiversOf('staging').find((w) => w.stack === 'data')!.checkov);
    expect(config).toEqual({ 'skip-check': ['CKV_AWS_66', 'CKV_AWS_157', 'CKV_AWS_293', 'CKV_AWS_338', 'CKV2_AWS_57'] });
    expect(load(waiversOf('staging').find((w) => w.stack === 'compute')!.checkov)).toEqual({ 'skip-check': [] });
  });

  it('say in the generated config where checkov skips more than our waiver', () => {
    const control = waiversOf('control')[0];
    expect(control.wider.map((w) => w.check)).toEqual(['CKV_AWS_1', 'CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_111', 'CKV_AWS_356']);
    for (const wider of control.wider) {
      expect(control.checkov).toContain(
        `# WIDER THAN OURS: checkov skips ${wider.check} for the whole stack, so also for ${wider.also.length}`,
      );
    }
    // the staging database is the only one of its stack: checkov's skip is as narrow as ours; its
    // 30-day log groups are not, as the migration job's log group (kept longer) shares their stack
    const staging = waiversOf('staging').flatMap((w) => w.wider);
    expect(staging.map((w) => [w.check, w.also.map((address) => address.replace(/_[0-9A-F]{8}$/, ''))])).toEqual([
      ['CKV_AWS_66', ['aws_cloudwatch_log_group.migration-job_logs']],
      ['CKV_AWS_338', ['aws_cloudwatch_log_group.migration-job_logs']],
    ]);
  });

  it('are listed in docs/review-tooling.md wherever a scanner waives more than we do', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'review-tooling.md'), 'utf8');
    const rows = widerRows([...knownEnvironments(), 'control'].flatMap((name) => waiversOf(name).flatMap((w) => w.wider)));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(docs, `docs/review-tooling.md does not list: ${row}`).toContain(row);
  });
});

describe('the scan job of the pull-request workflow', () => {
  const workflow = load(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'pull-request.yml'), 'utf8')) as Workflow;
  const scan = workflow.jobs.scan;
  const uses = (prefix: string) => scan.steps.filter((s) => s.uses?.startsWith(prefix));

  it('holds no secret, no environment, no cloud credential, and a token the checkout does not keep', () => {
    expect(JSON.stringify(scan)).not.toMatch(/secrets\.|id-token|role-to-assume/);
    expect(scan.environment).toBeUndefined();
    expect(scan.permissions).toEqual({ contents: 'read' });
    expect(scan.steps.find((s) => s.uses?.startsWith('actions/checkout'))!.with).toEqual({ 'persist-credentials': false });
  });

  it('pins both scanner actions by commit, trivy-action at 0.35.0 or later (CVE-2026-33634)', () => {
    for (const step of [...uses('aquasecurity/trivy-action@'), ...uses('bridgecrewio/checkov-action@')]) {
      expect(step.uses, step.name).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    }
    // aquasecurity/trivy-action's tag v0.36.0 is commit ed142fd0…, a descendant of v0.35.0 (57a97c7e…)
    expect(new Set(uses('aquasecurity/trivy-action@').map((s) => s.uses))).toEqual(
      new Set(['aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25']),
    );
    expect(new Set(uses('bridgecrewio/checkov-action@').map((s) => s.uses))).toEqual(
      new Set(['bridgecrewio/checkov-action@59b9d7edfcad5b87fbe3f473a9a134a721ad03f8']),
    );
  });

  it('scans every stack with both scanners and the waivers generated for it, and the bootstrap stack once', () => {
    const scanned = (step: Step) => step.with?.['scan-ref'] ?? step.with?.file;
    for (const stack of [...STACK_IDS, 'control']) {
      const trivy = uses('aquasecurity/trivy-action@').find((s) => scanned(s) === `cdktf.out/stacks/${stack}`);
      const checkov = uses('bridgecrewio/checkov-action@').find((s) => scanned(s) === `cdktf.out/stacks/${stack}/cdk.tf.json`);
      expect(trivy?.with, stack).toMatchObject({
        'scan-type': 'config',
        'ignore-policy': `scanner-waivers/trivy-${stack}.rego`,
        'exit-code': '1',
      });
      expect(checkov?.with, stack).toMatchObject({ framework: 'terraform_json', config_file: `scanner-waivers/checkov-${stack}.yaml` });
      expect([trivy!.if, checkov!.if], stack).toEqual(stack === 'control' ? ['matrix.control', 'matrix.control'] : [undefined, undefined]);
    }
    expect(scan.steps.find((s) => s.name === 'Scanner waivers from review/waivers.ts')!.run).toBe(
      'npm run --silent scanner-waivers -- --env "$DROP_ENV" --out scanner-waivers',
    );
  });
});
