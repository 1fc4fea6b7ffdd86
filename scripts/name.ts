/**
 * `npm run --silent name -- <what> --env <environment> [--service <api|web>]`: a name or setting of
 * an environment, from the project's own naming code and environment files, so workflows never
 * rebuild names by hand (with jq).
 *
 *   repository   the ECR repository of a service          drop-staging/api
 *   region       the AWS region                           eu-west-1
 *   public-host  the public hostname                      staging.getdrop.no
 *   service-mode the web app's build-time service mode    live
 */
import { parseArgs } from 'node:util';
import { ConfigError, SERVICE_NAMES, type EnvironmentConfig, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';

const NAMES: Readonly<Record<string, (config: EnvironmentConfig, service?: string) => string>> = {
  repository: (config, service) => new Naming(config).repository(checkedService(service)),
  region: (config) => config.aws.region,
  'public-host': (config) => config.domains.public,
  'service-mode': (config) => config.app.serviceMode,
};

function checkedService(service: string | undefined): string {
  if (!service || !(SERVICE_NAMES as readonly string[]).includes(service)) {
    throw new ConfigError(
      `--service ${service === undefined ? 'is missing' : `"${service}" is unknown`}; expected one of ${SERVICE_NAMES.join(', ')}`,
    );
  }
  return service;
}

/** The value asked for by `argv`; throws a ConfigError naming what is wrong. */
export function name(argv: readonly string[]): string {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { env: { type: 'string' }, service: { type: 'string' } },
    allowPositionals: true,
  });
  const [what] = positionals;
  const make = what === undefined ? undefined : NAMES[what];
  if (!make) throw new ConfigError(`Unknown name "${what ?? ''}"; expected one of ${Object.keys(NAMES).join(', ')}`);
  if (!values.env) throw new ConfigError('--env is missing; expected an environment name such as staging');
  return make(loadEnvironment(values.env), values.service);
}

if (require.main === module) {
  try {
    console.log(name(process.argv.slice(2)));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
