import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { STACK_IDS } from '../../constructs/naming';
import { DropStack } from '../../stacks/drop-stack';
import { REQUIRED_TERRAFORM_VERSION } from '../../stacks/terraform';
import { environment, run, synthManifest, synthPlatform, testApp } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');

describe.each(['staging', 'production'])('the %s platform', (name) => {
  const config = loadEnvironment(name);

  it('synthesizes exactly the stacks registry, data, compute and edge', () => {
    // WHEN
    const manifest = synthManifest(config);
    // THEN
    expect(Object.keys(manifest.stacks).sort()).toEqual([...STACK_IDS].sort());
    expect([...manifest.files].sort()).toEqual(STACK_IDS.map((id) => `stacks/${id}/cdk.tf.json`).sort());
  });

  it('declares only edge → compute, so `cdktf deploy edge compute` needs no flag', () => {
    const { stacks } = synthManifest(config);
    expect(stacks.edge.dependencies).toEqual(['compute']);
    expect(stacks.compute.dependencies).toEqual([]);
    expect(stacks.data.dependencies).toEqual([]);
    expect(stacks.registry.dependencies).toEqual([]);
  });

  it.each(STACK_IDS)('tags every AWS resource of the %s stack through default_tags', (stack) => {
    const synth = synthPlatform(config);
    expect(synth.json(stack)).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [{ tags: { project: 'drop', environment: name, stack, 'managed-by': 'cdktf' } }],
    });
  });

  it('configures Cloudflare only in the edge stack, with no credentials in the output', () => {
    const synth = synthPlatform(config);
    expect(synth.json('edge')).toHaveProvider(CloudflareProvider);
    expect(synth.parsed('edge').provider?.cloudflare).toEqual([{}]);
    for (const stack of ['registry', 'data', 'compute'] as const) {
      expect(synth.parsed(stack).provider?.cloudflare).toBeUndefined();
    }
  });

  it.each(STACK_IDS)(
    'requires the one terraform version in the %s stack (write-only attributes and ephemeral resources need 1.11)',
    (stack) => {
      expect(synthPlatform(config).parsed(stack).terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
    },
  );

  it.each(STACK_IDS)("checks in the %s stack that the bootstrap made the environment's identities, naming the command", (stack) => {
    const check = Object.values<any>(synthPlatform(config).parsed(stack).data?.aws_iam_roles ?? {});
    expect(check).toHaveLength(1);
    expect(check[0].name_regex).toBe(`^drop-${name}-tfc-apply$`);
    expect(check[0].lifecycle.postcondition[0].error_message).toContain('run the bootstrap first: npx cdktf deploy control');
  });

  it("puts the environment's permissions boundary on every role its stacks create (the apply role may create no other)", () => {
    const roles = STACK_IDS.flatMap((stack) => Object.values<any>(synthPlatform(config).parsed(stack).resource?.aws_iam_role ?? {}));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.permissions_boundary, role.name).toBe(`arn:aws:iam::123456789012:policy/drop-${name}-boundary`);
  });

  it('gives the edge stack its DNS records', () => {
    const synth = synthPlatform(config);
    expect(Object.keys(synth.parsed('edge').resource ?? {})).toContain('cloudflare_dns_record');
  });
});

describe('the allowed-account guard', () => {
  it('passes allowedAccountIds to every AWS provider', () => {
    // GIVEN allowedAccountIds naming an account other than aws.accountId (123456789012)
    const config = environment('production', { aws: { allowedAccountIds: ['210987654321'] } });
    // WHEN each stack is built as the DropStack every platform stack is
    const app = testApp();
    for (const stack of STACK_IDS) {
      // THEN its provider allows that account, not aws.accountId
      expect(Testing.synth(new DropStack(app, stack, { config }))).toHaveProviderWithProperties(AwsProvider, {
        allowed_account_ids: ['210987654321'],
      });
    }
  });
});

// Each test is a process of its own, run as cdktf runs the app (cdktf.json's `app`, this node):
// they run concurrently.
describe.concurrent('main.ts', () => {
  const [node, ...appArgs] = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app.split(' ');
  expect(node).toBe('node');
  /** The app's command with `entry` for main.ts. */
  const app = (entry = 'main.ts') => appArgs.map((arg) => (arg === 'main.ts' ? entry : arg));

  it('synthesizes DROP_ENV into CDKTF_OUTDIR with no terraform binary on the PATH, and prints the synth warnings', async ({ expect }) => {
    // GIVEN a PATH with node and nothing else (a Terraform Cloud environment needs no terraform to synth)
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-path-'));
    const outdir = path.join(bin, 'out');
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    try {
      // WHEN
      const result = await run(process.execPath, app(), {
        cwd: ROOT,
        env: { PATH: bin, HOME: os.tmpdir(), DROP_ENV: 'production', CDKTF_OUTDIR: outdir },
      });
      // THEN
      expect(result.status).toBe(0);
      expect(result.stderr).not.toContain('terraform');
      expect(result.stderr).toContain('Warning: edge/firewall: Bot score below 30 is not challenged');
      expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['compute', 'control', 'data', 'edge', 'registry']);
      const edge = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'edge', 'cdk.tf.json'), 'utf8'));
      expect(edge.terraform.cloud.workspaces.name).toBe('drop-production-edge');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);

  it('prints a refusal as one list with exit code 1, and its stack trace only with DEBUG', async ({ expect }) => {
    // GIVEN a copy of config/ where production records an existing origin-rules ruleset, which its
    // Pro edge stack does not manage (the edge stack refuses it, and the configuration first)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-main-config-'));
    const outdir = path.join(dir, 'out');
    fs.cpSync(path.join(ROOT, 'config'), dir, { recursive: true });
    const file = path.join(dir, 'environments', 'production.json');
    const production = JSON.parse(fs.readFileSync(file, 'utf8'));
    production.edge.existingRulesets = { http_request_origin: { id: 'a'.repeat(32), name: 'default' } };
    fs.writeFileSync(file, JSON.stringify(production));
    const env = { ...process.env, DROP_ENV: 'production', DROP_CONFIG_DIR: dir, CDKTF_OUTDIR: outdir };
    try {
      // WHEN
      const [plain, debug] = await Promise.all([
        run(process.execPath, app(), { cwd: ROOT, env }),
        run(process.execPath, app(), { cwd: ROOT, env: { ...env, DEBUG: '1' } }),
      ]);
      // THEN
      expect(plain.status).toBe(1);
      expect(plain.stderr.trim()).toMatch(
        /^Invalid environment file \S+production\.json \(1 problem\):\n {2}- edge\.existingRulesets\.http_request_origin: names a ruleset the pro plan's edge stack does not manage/,
      );
      expect(plain.stderr).not.toContain('    at ');
      expect(fs.existsSync(outdir)).toBe(false);
      expect(debug.status).toBe(1);
      expect(debug.stderr).toMatch(/^ConfigError: Invalid environment file [\s\S]*\n {4}at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("prints a construct's refusal the same way: one list naming the construct path, exit code 1, nothing written", async ({ expect }) => {
    // GIVEN a construct check the configuration does not repeat: every construct check is also a
    // configuration rule today, so the run drops the rule that repeats the network's (as a new
    // construct check without its rule would be), and staging asks for more NAT gateways than zones
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-main-construct-'));
    const outdir = path.join(dir, 'out');
    fs.cpSync(path.join(ROOT, 'config'), path.join(dir, 'config'), { recursive: true });
    const file = path.join(dir, 'config', 'environments', 'staging.json');
    const staging = JSON.parse(fs.readFileSync(file, 'utf8'));
    staging.network = { ...staging.network, availabilityZones: 2, natGateways: 3 };
    fs.writeFileSync(file, JSON.stringify(staging));
    const entry = path.join(dir, 'main-without-rule.cjs');
    fs.writeFileSync(
      entry,
      `delete require(${JSON.stringify(path.join(ROOT, 'config', 'rules'))}).crossFieldRules.natGatewaysWithinZones;\n` +
        `require(${JSON.stringify(path.join(ROOT, 'main.ts'))});\n`,
    );
    const env = { ...process.env, DROP_ENV: 'staging', DROP_CONFIG_DIR: path.join(dir, 'config'), CDKTF_OUTDIR: outdir };
    try {
      // WHEN main.ts runs
      const result = await run(process.execPath, app(entry), { cwd: ROOT, env });
      // THEN the Network construct's ValidationError is printed as the configuration's refusals are
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        'data/network (1 problem):\n  - natGateways: is more than availabilityZones (2); expected 1 to 2 (found: 3)',
      );
      expect(fs.existsSync(outdir)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('stops on an unknown environment with the known ones, and writes nothing', async ({ expect }) => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drop-main-')), 'cdktf.out');
    try {
      const result = await run(process.execPath, app(), {
        cwd: ROOT,
        env: { ...process.env, DROP_ENV: 'nope', CDKTF_OUTDIR: outdir },
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        'Unknown environment "nope" (DROP_ENV). Known environments: production, production-stockholm, staging. Add config/environments/nope.json to create it.',
      );
      expect(fs.existsSync(outdir)).toBe(false);
    } finally {
      fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    }
  }, 30_000);
});
