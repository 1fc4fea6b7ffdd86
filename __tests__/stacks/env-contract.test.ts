/**
 * The environment-variable contract (`@drop/shared/env`) holds on both sides: what the compute
 * stack writes for each service is exactly what that service reads from it. (The types already
 * refuse a name outside the table and a missing required variable; this checks the synthesized
 * Terraform, on both engines.)
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, type EnvName, type EnvReader, variables } from '@drop/shared/env';
import { resourcesOf, synthPlatform } from '../helpers';

function written(engine: 'app-runner' | 'ecs-express'): Record<'api' | 'web', { plain: string[]; secrets: string[] }> {
  const parsed = synthPlatform(engine === 'app-runner' ? 'staging' : 'production-stockholm').parsed('compute');
  const out = {} as Record<'api' | 'web', { plain: string[]; secrets: string[] }>;
  if (engine === 'app-runner') {
    for (const service of Object.values(resourcesOf(parsed, 'aws_apprunner_service'))) {
      const name = (service.service_name as string).endsWith('-api') ? 'api' : 'web';
      const config = service.source_configuration.image_repository.image_configuration;
      out[name] = { plain: Object.keys(config.runtime_environment_variables), secrets: Object.keys(config.runtime_environment_secrets) };
    }
  } else {
    for (const service of Object.values(resourcesOf(parsed, 'aws_ecs_express_gateway_service'))) {
      const name = (service.service_name as string).endsWith('-api') ? 'api' : 'web';
      const [container] = service.primary_container;
      out[name] = {
        // The engine's own variable (the scaling target it must resend) is not the app's.
        plain: container.environment.map((e: { name: string }) => e.name).filter((n: string) => n !== 'DROP_SCALING_TARGET'),
        secrets: container.secret.map((e: { name: string }) => e.name),
      };
    }
  }
  return out;
}

const required = (reader: EnvReader) =>
  variables(reader, 'compute').filter((name) => (ENVIRONMENT[name] as { required?: boolean }).required === true);

describe.each(['app-runner', 'ecs-express'] as const)('the environment contract on %s', (engine) => {
  const services = written(engine);

  it.each(['api', 'web'] as const)('gives the %s every required variable and only variables it reads', (service) => {
    const { plain } = services[service];
    expect(plain).toEqual(expect.arrayContaining(required(service)));
    for (const name of plain) expect(variables(service, 'compute'), name).toContain(name as EnvName);
  });

  it.each(['api', 'web'] as const)('injects into the %s exactly the secrets it reads', (service) => {
    expect([...services[service].secrets].sort()).toEqual([...variables(service, 'secret')].sort());
  });

  it('never gives a service the migration job’s master credentials', () => {
    for (const { plain, secrets } of Object.values(services)) {
      expect([...plain, ...secrets]).not.toContain('DATABASE_CREDENTIALS');
      expect([...plain, ...secrets]).not.toContain('DATABASE_SECRET_ARN');
    }
  });
});
