/**
 * The `terraform test` file of an offline plan: mocked providers with realistic AWS data, the
 * values a stack reads from outside its own state (contract parameters, release pointers, the
 * bootstrap's roles), and placeholders for its input variables.
 */
import { SERVICE_NAMES } from '../../config';
import {
  type FixtureContext,
  awsDataDefaults,
  awsResourceDefaults,
  contractFolderFixture,
  parameterFixture,
  releaseFixture,
} from './fixtures';

/** HCL for a value (JSON is valid HCL for strings, numbers, lists and objects with quoted keys). */
const hcl = (value: unknown): string => JSON.stringify(value);

/** `mock_provider` blocks for every provider configuration of `stack`, with realistic AWS data. */
export function mockProviders(stack: Record<string, any>, ctx: FixtureContext, arnTypes: Iterable<string> = []): string[] {
  const lines: string[] = [];
  for (const [name, configs] of Object.entries<Record<string, any>[]>(stack.provider ?? {})) {
    for (const config of configs) {
      lines.push(`mock_provider ${hcl(name)} {`);
      if (config.alias) lines.push(`  alias = ${hcl(config.alias)}`);
      if (name === 'aws') {
        for (const [type, defaults] of Object.entries(awsDataDefaults({ ...ctx, region: config.region ?? ctx.region }))) {
          lines.push(`  mock_data ${hcl(type)} {`, `    defaults = ${hcl(defaults)}`, '  }');
        }
        // Applied resources get well-formed ARNs: the provider validates ARNs where they are used.
        const extra = awsResourceDefaults({ ...ctx, region: config.region ?? ctx.region });
        for (const type of new Set([...arnTypes, ...Object.keys(extra)])) {
          const service = type.split('_')[1];
          const arn = `arn:aws:${service}:${config.region ?? ctx.region}:${ctx.accountId}:${type.slice(4 + service.length + 1) || service}/mock`;
          lines.push(
            `  mock_resource ${hcl(type)} {`,
            `    defaults = ${hcl({ ...([...arnTypes].includes(type) ? { arn } : {}), ...extra[type] })}`,
            '  }',
          );
        }
      }
      lines.push('}');
    }
  }
  return lines;
}

/**
 * `override_data` blocks: contract parameters (except those `skip` leaves to the caller), the
 * release pointers of `releases`, and (unless `controlPlane` is false) the bootstrap's roles each
 * stack looks for before it plans.
 */
export function dataOverrides(
  stack: Record<string, any>,
  ctx: FixtureContext,
  releases: readonly string[] = SERVICE_NAMES,
  skip: (parameterName: string) => boolean = () => false,
  indent = '',
  controlPlane = true,
): string[] {
  const lines: string[] = [];
  for (const [name, body] of Object.entries<Record<string, any>>(controlPlane ? (stack.data?.aws_iam_roles ?? {}) : {})) {
    const role = /^\^([\w+=,.@-]+)\$$/.exec(String(body.name_regex ?? ''))?.[1];
    if (!role) continue;
    lines.push(
      'override_data {',
      `  target = data.aws_iam_roles.${name}`,
      `  values = ${hcl({ names: [role], arns: [`arn:aws:iam::${ctx.accountId}:role/${role}`] })}`,
      '}',
    );
  }
  for (const [name, body] of Object.entries<Record<string, any>>(stack.data?.aws_ssm_parameter ?? {})) {
    if (typeof body.name !== 'string' || body.name.includes('${') || skip(body.name)) continue;
    const value = parameterFixture(body.name, ctx);
    lines.push(
      'override_data {',
      `  target = data.aws_ssm_parameter.${name}`,
      `  values = ${hcl({ value, insecure_value: value, type: 'String' })}`,
      '}',
    );
  }
  for (const [name, body] of Object.entries<Record<string, any>>(stack.data?.aws_ssm_parameters_by_path ?? {})) {
    if (typeof body.path !== 'string') continue;
    // The release pointers, or another environment's contract folder (stacks/contract.ts, consumeAcross).
    const values = body.path.endsWith('/release') ? releaseFixture(body.path, releases, ctx) : contractFolderFixture(body.path, ctx, skip);
    if (!values) continue;
    lines.push('override_data {', `  target = data.aws_ssm_parameters_by_path.${name}`, `  values = ${hcl(values)}`, '}');
  }
  return lines.map((line) => indent + line);
}

/** A `variables` block giving every input variable without a default a placeholder (tokens the bootstrap is given). */
export function variableValues(stack: Record<string, any>): string[] {
  const required = Object.entries<Record<string, any>>(stack.variable ?? {}).filter(([, body]) => body.default === undefined);
  if (required.length === 0) return [];
  return ['variables {', ...required.map(([name]) => `  ${name} = ${hcl(`offline-${name}`)}`), '}'];
}

/** The `terraform test` file: mocked providers, realistic data, input variables, one plan. */
export function testFile(
  stack: Record<string, any>,
  ctx: FixtureContext,
  releases: readonly string[] = SERVICE_NAMES,
  controlPlane = true,
  unpublished: readonly string[] = [],
): string {
  const lines = [
    ...mockProviders(stack, ctx),
    ...dataOverrides(stack, ctx, releases, (parameter) => unpublished.includes(parameter), '', controlPlane),
    ...variableValues(stack),
    'run "plan" {',
    '  command = plan',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
