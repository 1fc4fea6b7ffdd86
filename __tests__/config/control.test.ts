/**
 * config/control.json: the control plane every environment shares, and its checks against the
 * environment files (config/control.ts). Each refusal names the file and the value.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, checkControlPlane, checkWorkflowEnvironments, knownEnvironments, loadControl, loadEnvironment } from '../../config';
import { parseControl } from '../../config/control';
import { CONTROL_JSON_SCHEMA_FILE, controlJsonSchema } from '../../config/json-schema';
import { environment, merge } from '../helpers';

const CONTROL_FILE = path.join(__dirname, '..', '..', 'config', 'control.json');
const raw = () => JSON.parse(fs.readFileSync(CONTROL_FILE, 'utf8'));
const shipped = () => knownEnvironments().map((name) => loadEnvironment(name));

/** The message of the ConfigError `check` throws (fails the test when it throws nothing). */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config/control.json', () => {
  it('validates, points at the committed JSON Schema, and fits every shipped environment', () => {
    const control = loadControl();
    expect(control.terraformCloud).toEqual({ organization: 'getdrop', hostname: 'app.terraform.io', project: 'drop-platform' });
    expect(raw().$schema).toBe('./control.schema.json');
    expect(() => checkControlPlane(control, shipped())).not.toThrow();
  });

  it('has a JSON Schema that is up to date (run `npm run schema` when this fails)', () => {
    expect(fs.readFileSync(CONTROL_JSON_SCHEMA_FILE, 'utf8')).toBe(controlJsonSchema());
  });

  it.each([
    [
      'a Terraform Cloud organization missing from the config',
      { terraformCloud: { organization: undefined } },
      'terraformCloud.organization: Invalid input: expected string, received undefined (found: nothing)',
    ],
    [
      'a GitHub repository that is not owner/name',
      { github: { repository: 'drop-platform' } },
      'github.repository: expected "owner/name" (found: "drop-platform")',
    ],
    ['no account', { accounts: [] }, 'accounts: expected at least one account (found: [])'],
    [
      'a way to the OIDC providers that is neither create nor existing',
      { accounts: [{ id: '123456789012', oidcProviders: 'maybe' }] },
      'accounts.0.oidcProviders: Invalid option: expected one of "create"|"existing" (found: "maybe")',
    ],
    [
      'an account listed twice',
      {
        accounts: [
          { id: '123456789012', oidcProviders: 'create' },
          { id: '123456789012', oidcProviders: 'existing' },
        ],
      },
      'accounts: lists account 123456789012 more than once; expected one entry per account (found: ["123456789012","123456789012"])',
    ],
    [
      'an unknown key',
      { terraformCloud: { workspacePrefix: 'x' } },
      'terraformCloud.workspacePrefix: unknown key; allowed keys: organization, hostname, project, controlProject',
    ],
  ])('refuses %s, naming the file and the value', (_, patch, message) => {
    const text = refusal(() => parseControl(merge(raw(), patch), 'config/control.json'));
    expect(text).toMatch(/^Invalid control plane file config\/control\.json \(1 problem\):\n/);
    expect(text).toContain(`  - ${message}`);
  });
});

describe('the control plane against the environment files', () => {
  const control = loadControl();

  it('refuses an environment whose account has no OIDC creator in config/control.json', () => {
    const elsewhere = environment('staging', { aws: { accountId: '210987654321' } });
    expect(refusal(() => checkControlPlane(control, [elsewhere]))).toBe(
      'Invalid control plane (1 problem):\n' +
        '  - config/environments/staging.json aws.accountId: account 210987654321 is not in config/control.json accounts, so nothing creates its ' +
        'OIDC providers (GitHub\'s and Terraform Cloud\'s) or its roles; add {"id": "210987654321", "oidcProviders": "create"} ' +
        '(or "existing" where another project made them) (found: "210987654321")',
    );
  });

  it('refuses an environment outside the Terraform Cloud organization that runs the pipeline (no organization: local state)', () => {
    const local = environment('staging', { backend: { type: 'local', organization: undefined, project: undefined } });
    expect(refusal(() => checkControlPlane(control, [local]))).toContain(
      'config/environments/staging.json backend: must be the Terraform Cloud organization and project of config/control.json, where the bootstrap ' +
        'creates its workspaces and the pipeline runs them; expected type "cloud", organization "getdrop", project "drop-platform" on app.terraform.io ' +
        '(found: {"type":"local"})',
    );
  });

  it("refuses a workspace name over Terraform Cloud's limit, naming the environment's file and name", () => {
    // GIVEN a Terraform Enterprise host (90 characters) and an environment whose name the schema
    // would refuse first: the limit holds whatever the schema allows later
    const enterprise = parseControl(merge(raw(), { terraformCloud: { hostname: 'tfe.getdrop.no' } }), 'config/control.json');
    const long = { ...environment('staging', { backend: { hostname: 'tfe.getdrop.no' } }), name: `staging-${'x'.repeat(80)}` };
    expect(refusal(() => checkControlPlane(enterprise, [long]))).toContain(
      `config/environments/${long.name}.json name: makes the Terraform Cloud workspace name "drop-${long.name}-registry" (102 characters); ` +
        'tfe.getdrop.no accepts at most 90 letters, digits, "-" and "_"',
    );
  });

  it('refuses two environments sharing one GitHub environment', () => {
    const twin = environment('production', { ci: { githubEnvironment: 'staging' }, tier: 'production' });
    expect(refusal(() => checkControlPlane(control, [environment('staging'), twin]))).toContain(
      'config/environments/staging.json and config/environments/production.json ci.githubEnvironment: share the GitHub environment "staging"',
    );
  });

  it('reports every problem at once, before anything is written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-control-'));
    try {
      const bad = environment('staging', { aws: { accountId: '210987654321' }, project: 'other' });
      const text = refusal(() => checkControlPlane(control, [bad]));
      expect(text).toMatch(/^Invalid control plane \(2 problems\):/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the GitHub environments the workflows name', () => {
  const workflows = (environment: string) => ({ 'main.yml': { jobs: { 'deploy-staging': { environment } } } });

  it('accepts the configured ones and the ones made from the matrix', () => {
    expect(() => checkWorkflowEnvironments(workflows('staging'), shipped())).not.toThrow();
    expect(() => checkWorkflowEnvironments(workflows('${{ matrix.githubEnvironment }}'), shipped())).not.toThrow();
  });

  it('refuses one no environment file configures, naming the workflow file, the job and the value', () => {
    expect(refusal(() => checkWorkflowEnvironments(workflows('prod'), shipped()))).toBe(
      'Invalid workflows (1 problem):\n' +
        '  - .github/workflows/main.yml jobs.deploy-staging.environment: is not the GitHub environment of any config/environments/*.json, ' +
        'so nothing protects it (GitHub would create it without reviewers or branch policy); expected one of production, production-stockholm, staging (found: "prod")',
    );
  });
});
