/**
 * The first deployment of docs/deploying.md, in order (review/plan/chain.ts): registry, release the images,
 * data, secret values, compute, edge. Each stack is applied against mocked providers and what it
 * publishes is handed to the stacks after it, so a stack that needs a value before it exists fails.
 */
import { describe, expect, it } from 'vitest';
import { fixtureContext } from '../../review/plan';
import { firstDeployment } from '../../review/plan/chain';
import { environments, planToolchain } from './toolchain';

const { toolchain } = await (async () => planToolchain('First-deployment tier'))();

describe.skipIf(!toolchain)(`the first deployment, in order${toolchain ? '' : ' (skipped: no terraform or provider)'}`, () => {
  it.concurrent.each([...environments.keys()])('%s: registry → release → data → secret values → compute → edge', async (name) => {
    const { config, synth } = environments.get(name)!;
    const result = await firstDeployment(toolchain!, synth, fixtureContext(config));
    expect(result.errors, result.output).toEqual([]);
    // THEN each later stack ran on what the earlier ones published
    expect(result.handedOver.compute).toEqual(
      expect.arrayContaining([`/drop/${name}/registry/api-repository-url`, `/drop/${name}/data/jwt-secret-arn`]),
    );
    expect(result.handedOver.edge).toEqual(expect.arrayContaining([`/drop/${name}/compute/web-dns-target`]));
  });

  it('fails when a stack reads a value no earlier step publishes (compute before data)', async () => {
    // GIVEN staging with the data stack's contract missing (as if compute came first)
    const { config, synth } = environments.get('staging')!;
    const noData = { ...synth, data: { ...synth.data, resource: { ...synth.data.resource, aws_ssm_parameter: {} } } };
    // WHEN
    const result = await firstDeployment(toolchain!, noData, fixtureContext(config));
    // THEN
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(
      'compute reads /drop/staging/data/private-subnet-ids, which no earlier step of the first deployment publishes',
    );
  });
});
