/**
 * The offline plan tier: Terraform itself plans every stack of every shipped environment against
 * mocked providers (review/plan). This is the proof that the synth deploys, beyond its shape.
 * Where no terraform binary or no provider binary is at hand, the tests are skipped by name and
 * with a printed reason, never silently.
 */
import { describe, expect, it } from 'vitest';
import { fixtureContext } from '../../review/plan';
import { planStack } from '../../review/plan/run';
import { control, environments, planToolchain } from './toolchain';

// Top-level await is unavailable in this CommonJS project; vitest collects this file once.
const { toolchain, missing } = await (async () => planToolchain('Offline plan tier'))();

describe.skipIf(!toolchain)(`offline plan tier${toolchain ? '' : ` (skipped: ${missing})`}`, () => {
  const cases = [...environments.keys()].flatMap((env) => ['registry', 'data', 'compute', 'edge'].map((stack) => [env, stack] as const));

  it.concurrent.each(cases)('%s/%s plans with 0 errors', async (env, stack) => {
    const { config, synth } = environments.get(env)!;
    const result = await planStack(toolchain!, stack, synth[stack], fixtureContext(config));
    expect(result.errors, result.output).toEqual([]);
    expect(result.ok, result.output).toBe(true);
  });

  it('plans the bootstrap stack, its Terraform Cloud and GitHub resources evaluated for want of their providers', async () => {
    const result = await planStack(toolchain!, 'control', control.control, fixtureContext(environments.get('staging')!.config));
    expect(result.errors, result.output).toEqual([]);
    expect(result.ok, result.output).toBe(true);
    if (toolchain!.available.tfe) return;
    expect(result.notes).toEqual(
      expect.arrayContaining([
        'provider tfe 0.71.0: no binary at hand, its resources are evaluated, not planned',
        'provider github 6.9.0: no binary at hand, its resources are evaluated, not planned',
      ]),
    );
    expect(result.evaluated.some((address) => address.startsWith('tfe_workspace.terraform-cloud_staging_registry_'))).toBe(true);
  });

  // Every stack has the same check (stacks/drop-stack.ts; __tests__/stacks/platform.test.ts): one plan proves the expression.
  it.each(['registry'])(
    "refuses to plan %s before the bootstrap made the environment's identities, naming the command to run first",
    async (stack) => {
      // GIVEN staging's account without its control plane (no drop-staging-tfc-apply role)
      const { config, synth } = environments.get('staging')!;
      // WHEN
      const result = await planStack(toolchain!, stack, synth[stack], fixtureContext(config), { controlPlane: false });
      // THEN
      expect(result.ok).toBe(false);
      expect(result.output.replace(/\s+/g, ' ')).toContain(
        'The control plane of staging is missing (no role drop-staging-tfc-apply in account 123456789012): run the bootstrap first: npx cdktf deploy control (docs/deploying.md, "Bootstrap").',
      );
    },
  );

  it("plans the zone owner's edge only once the other environments of its zone published their origin verification ARN, naming the command", async () => {
    // GIVEN production (the owner of getdrop.no) before staging's data stack was deployed
    const { config, synth } = environments.get('production')!;
    // WHEN
    const result = await planStack(toolchain!, 'edge', synth.edge, fixtureContext(config), {
      unpublished: ['/drop/staging/data/origin-verify-secret-arn'],
    });
    // THEN
    expect(result.ok).toBe(false);
    expect(result.output.replace(/\s+/g, ' ')).toContain(
      'staging has not published /drop/staging/data/origin-verify-secret-arn yet: deploy its data stack first: DROP_ENV=staging npx cdktf deploy data',
    );
  });

  it('plans the compute stack only once every release is recorded, naming the command that records one', async () => {
    // GIVEN staging with a recorded api release and none for web
    const { config, synth } = environments.get('staging')!;
    // WHEN
    const result = await planStack(toolchain!, 'compute', synth.compute, fixtureContext(config), { releases: ['api'] });
    // THEN
    expect(result.ok).toBe(false);
    expect(result.output.replace(/\s+/g, ' ')).toContain(
      'No release of web is recorded for staging (SSM parameter /drop/staging/release/web). Push and scan its image, then run: npm run release -- --env staging --service web --tag <tag>',
    );
  });

  it('reports what it evaluated instead of planning: the Cloudflare resources, for want of their provider', async () => {
    const { config, synth } = environments.get('staging')!;
    const result = await planStack(toolchain!, 'edge', synth.edge, fixtureContext(config));
    if (toolchain!.available.cloudflare) return;
    expect(result.notes).toContain('provider cloudflare 5.14.0: no binary at hand, its resources are evaluated, not planned');
    expect(result.evaluated).toContain('data.cloudflare_zone.zone');
    expect(result.evaluated.some((address) => address.startsWith('cloudflare_dns_record.'))).toBe(true);
  });
});

describe.skipIf(!toolchain)('the ECS Express custom domains, planned by the AWS provider', () => {
  it("plans production-stockholm's listener certificates and host rules, the rules' imports as creates (mock providers cannot import)", async () => {
    const { config, synth } = environments.get('production-stockholm')!;
    const result = await planStack(toolchain!, 'edge', synth.edge, fixtureContext(config));
    expect(result.errors, result.output).toEqual([]);
    expect(result.ok, result.output).toBe(true);
    for (const type of ['aws_acm_certificate', 'aws_acm_certificate_validation', 'aws_lb_listener_certificate', 'aws_lb_listener_rule']) {
      // In the synth, and planned with the provider's own schema (not evaluated as terraform_data).
      expect(Object.keys(synth.edge.resource?.[type] ?? {}), type).toHaveLength(2);
      expect(result.evaluated.some((address) => address.startsWith(`${type}.`))).toBe(false);
    }
    expect(result.evaluated.some((address) => address.startsWith('data.aws_lb_listener_rule.'))).toBe(false);
    expect(result.notes.filter((note) => note.startsWith('import of aws_lb_listener_rule.'))).toHaveLength(2);
  });
});

describe.skipIf(!toolchain)('what the offline plan catches', () => {
  it("a sensitive value in for_each, even in a resource of a provider it cannot plan (the edge stack's failure before the fix)", async () => {
    // GIVEN an edge-like stack looping over a contract parameter's sensitive `value`
    const { config } = environments.get('staging')!;
    const stack = {
      terraform: {
        required_providers: {
          aws: { source: 'aws', version: '6.25.0' },
          cloudflare: { source: 'cloudflare/cloudflare', version: '5.14.0' },
        },
      },
      provider: { aws: [{ region: 'eu-west-1' }], cloudflare: [{}] },
      data: { aws_ssm_parameter: { records: { name: '/drop/staging/compute/web-certificate-validation-records' } } },
      resource: {
        cloudflare_dns_record: {
          validation: {
            for_each: '${{ for key, val in jsondecode(data.aws_ssm_parameter.records.value): val.name => val }}',
            zone_id: 'z',
            name: '${each.value.name}',
            type: '${each.value.type}',
            content: '${each.value.value}',
            ttl: 300,
          },
        },
      },
    };
    // WHEN
    const result = await planStack(toolchain!, 'edge', stack, fixtureContext(config));
    // THEN
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/Invalid for_each argument[\s\S]*has a sensitive value/);
  });
});
