/**
 * The first deployment, in order, as one `terraform test` file: each stack is applied against
 * mocked providers and the values it publishes (its contract parameters) become the inputs of the
 * stacks after it. The steps outside Terraform are fixtures at their place in the order:
 *
 *   1. registry                      (terraform)
 *   2. push and release the images   (npm run release: the release pointers)
 *   3. data                          (terraform; generates JWT_SECRET and ORIGIN_VERIFY_SECRET)
 *   4. secret values                 (the operator fills BankID and Sentry: every secret has a version)
 *   5. compute                       (terraform, reading 1 to 4)
 *   6. edge                          (terraform, reading 3 and 5)
 *
 * A stack that reads a value no earlier step publishes has no input for it, and the run fails:
 * so the order itself is checked, not only each stack on its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVICE_NAMES } from '../../config';
import type { Synth } from '../terraform';
import type { FixtureContext } from './fixtures';
import { type Toolchain, dataOverrides, initAndTest, mockProviders, offlineStack } from './run';

export const FIRST_DEPLOYMENT = ['registry', 'data', 'compute', 'edge'] as const;

export interface ChainResult {
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly output: string;
  /** Stack → contract parameters it read from the stacks before it. */
  readonly handedOver: Readonly<Record<string, readonly string[]>>;
}

/** `/drop/staging/data/private-subnet-ids` → `contract__data__private_subnet_ids`. */
const variableName = (parameter: string) => `contract__${parameter.split('/').slice(3).join('__').replace(/-/g, '_')}`;

export async function firstDeployment(toolchain: Toolchain, synth: Synth, ctx: FixtureContext, workdir?: string): Promise<ChainResult> {
  const root = workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'drop-first-deployment-'));
  const published = new Map<string, string>(); // parameter name → run.<stack>.<output>
  const handedOver: Record<string, string[]> = {};
  const runs: string[] = [];
  let providers: string[] = [];
  const unpublished: string[] = [];
  let requiredProviders: unknown;
  try {
    for (const stack of FIRST_DEPLOYMENT) {
      const json = offlineStack(toolchain, synth[stack], ctx).json;
      // terraform test destroys what it applied; prevent_destroy (production's database) would
      // fail that teardown, which is not a deployment step.
      for (const byName of Object.values<Record<string, any>>(json.resource ?? {})) {
        for (const body of Object.values<Record<string, any>>(byName)) if (body.lifecycle) delete body.lifecycle.prevent_destroy;
      }
      // Inputs: every contract parameter an earlier stack of this environment published.
      const variables: string[] = [];
      const references: [string, string][] = []; // data source reference → variable reference
      handedOver[stack] = [];
      for (const [name, body] of Object.entries<Record<string, any>>(json.data?.aws_ssm_parameter ?? {})) {
        const source = published.get(body.name);
        const own = typeof body.name === 'string' && body.name.split('/')[2] === ctx.env && !body.name.includes('/release/');
        if (!source && own) unpublished.push(`${stack} reads ${body.name}, which no earlier step of the first deployment publishes`);
        if (!source) continue;
        const variable = variableName(body.name);
        (json.variable ??= {})[variable] = { type: 'string' };
        references.push([`data.aws_ssm_parameter.${name}.insecure_value`, `var.${variable}`]);
        delete json.data.aws_ssm_parameter[name];
        variables.push(`    ${variable} = ${source}`);
        handedOver[stack].push(body.name);
      }
      if (references.length > 0) {
        // One serialisation of the stack for all the handed-over parameters, not one each.
        const text = references.reduce((t, [from, to]) => t.replaceAll(from, to), JSON.stringify(json));
        Object.assign(json, JSON.parse(text));
      }
      if (json.data?.aws_ssm_parameter && Object.keys(json.data.aws_ssm_parameter).length === 0) delete json.data.aws_ssm_parameter;
      if (json.data && Object.keys(json.data).length === 0) delete json.data;
      // Outputs: what this stack publishes, for the stacks after it.
      for (const [name, body] of Object.entries<Record<string, any>>(json.resource?.aws_ssm_parameter ?? {})) {
        const output = `published__${name.replace(/-/g, '_')}`;
        (json.output ??= {})[output] = { value: `\${nonsensitive(aws_ssm_parameter.${name}.value)}` };
        published.set(body.name, `run.${stack}.${output}`);
      }
      fs.mkdirSync(path.join(root, stack), { recursive: true });
      fs.writeFileSync(path.join(root, stack, 'main.tf.json'), JSON.stringify(json, null, 2));
      if (stack === 'registry') requiredProviders = json.terraform.required_providers;
      if (providers.length === 0) {
        const used = new Set(FIRST_DEPLOYMENT.flatMap((name) => Object.keys(synth[name].resource ?? {})));
        providers = mockProviders(
          json,
          ctx,
          [...(toolchain.arnTypes ?? [])].filter((type) => used.has(type)),
        );
      }
      runs.push(
        `run ${JSON.stringify(stack)} {`,
        // The last stack is planned, as an operator reviews it; the others are applied (mocked).
        `  command = ${stack === 'edge' ? 'plan' : 'apply'}`,
        '  module {',
        `    source = "./${stack}"`,
        '  }',
        ...(variables.length > 0 ? ['  variables {', ...variables, '  }'] : []),
        // Values from outside this chain: release pointers (step 2), other environments of the zone.
        ...dataOverrides(json, ctx, SERVICE_NAMES, (parameter) => published.has(parameter), '  '),
        '}',
      );
    }
    if (unpublished.length > 0) return { ok: false, errors: unpublished, output: unpublished.join('\n'), handedOver };
    // The root module only holds the test; terraform needs the providers required there too.
    fs.writeFileSync(path.join(root, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
    fs.mkdirSync(path.join(root, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tests', 'first-deployment.tftest.hcl'), `${[...providers, ...runs].join('\n')}\n`);
    return { ...(await initAndTest(toolchain, root)), handedOver };
  } finally {
    if (!workdir) fs.rmSync(root, { recursive: true, force: true });
  }
}
