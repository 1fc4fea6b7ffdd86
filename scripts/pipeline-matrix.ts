/**
 * `npm run --silent pipeline:matrix`: the workflows' matrices, from `config/environments/*.json`
 * and `config/control.json`, as `key=<JSON>` lines for $GITHUB_OUTPUT. The workflows read them
 * with `fromJSON`, so no workflow names an environment, a region or a role by hand: the role ARNs
 * come from the same naming code the bootstrap stack names the roles with.
 *
 *   image       how the images are built: the production tier's web service mode
 *   plans       one leg per environment and stack: the pull-request plans (read-only role)
 *   scans       one leg per environment: trivy and checkov over its synth; the first also scans the
 *               bootstrap stack (control), which every synth writes
 *   pushes      one leg per environment and service: push and scan (the push role, trusted for the deploy branch)
 *   staging     the environments below the production tier, deployed first (their release role)
 *   production  the production-tier environments, each behind its GitHub environment's approval;
 *               `promotedFrom` names the environments below the tier (space-separated), whose
 *               running release each production deploy checks first
 */
import {
  type ControlConfig,
  type EnvironmentConfig,
  SERVICE_NAMES,
  checkControlPlane,
  loadControl,
  knownEnvironments,
  loadEnvironment,
} from '../config';
import { ConfigError } from '../config';
import { type RolePurpose, roleArn } from '../constructs/identity/environment-identities';
import { Naming, STACK_IDS } from '../constructs/naming';

/** What a deploy leg knows of its environment. */
export interface DeployLeg {
  readonly environment: string;
  readonly githubEnvironment: string;
  readonly region: string;
  readonly engine: string;
  readonly publicHost: string;
  /** The role the leg assumes: the environment's release role. */
  readonly role: string;
}

/** A production leg: it deploys only the release the environments below its tier run. */
export interface ProductionLeg extends DeployLeg {
  /** The environments below the production tier, space-separated (a shell loop's list). */
  readonly promotedFrom: string;
}

export interface PipelineMatrix {
  /** How the images are built: once, for every environment, with the production tier's settings. */
  readonly image: { readonly serviceMode: string };
  readonly plans: readonly { environment: string; stack: string; region: string; role: string }[];
  readonly scans: readonly { environment: string; control: boolean }[];
  readonly pushes: readonly { environment: string; service: string; region: string; repository: string; role: string }[];
  readonly staging: readonly DeployLeg[];
  readonly production: readonly ProductionLeg[];
}

/** The matrices of `environments` (every environment file, checked against `control`). */
export function pipelineMatrix(control: ControlConfig, environments: readonly EnvironmentConfig[]): PipelineMatrix {
  checkControlPlane(control, environments);
  const role = (env: EnvironmentConfig, purpose: RolePurpose) => roleArn(new Naming(env), env.aws.accountId, purpose);
  const deployLeg = (env: EnvironmentConfig): DeployLeg => ({
    environment: env.name,
    githubEnvironment: env.ci.githubEnvironment,
    region: env.aws.region,
    engine: env.compute.engine,
    publicHost: env.domains.public,
    role: role(env, 'github-release'),
  });
  // The web image bakes NEXT_PUBLIC_SERVICE_MODE in, and production runs the image staging tested.
  const modes = [...new Set(environments.filter((env) => env.tier === 'production').map((env) => env.app.serviceMode))];
  if (modes.length > 1) {
    throw new ConfigError(
      `The production-tier environments disagree on app.serviceMode (found: ${modes.join(', ')}); one image serves them all, so they must say the same`,
    );
  }
  return {
    image: { serviceMode: modes[0] ?? 'live' },
    plans: environments.flatMap((env) =>
      STACK_IDS.map((stack) => ({ environment: env.name, stack, region: env.aws.region, role: role(env, 'github-pr-plan') })),
    ),
    scans: environments.map((env, i) => ({ environment: env.name, control: i === 0 })),
    pushes: environments.flatMap((env) =>
      SERVICE_NAMES.map((service) => ({
        environment: env.name,
        service,
        region: env.aws.region,
        repository: new Naming(env).repository(service),
        role: role(env, 'github-push'),
      })),
    ),
    staging: environments.filter((env) => env.tier !== 'production').map(deployLeg),
    production: environments
      .filter((env) => env.tier === 'production')
      .map((env) => ({
        ...deployLeg(env),
        promotedFrom: environments
          .filter((e) => e.tier !== 'production')
          .map((e) => e.name)
          .join(' '),
      })),
  };
}

/** The shipped environments' matrices. */
export function shippedMatrix(): PipelineMatrix {
  return pipelineMatrix(
    loadControl(),
    knownEnvironments().map((name) => loadEnvironment(name)),
  );
}

/** `key=<JSON>` lines, as $GITHUB_OUTPUT takes them. */
export function outputLines(matrix: PipelineMatrix): string {
  return `${Object.entries(matrix)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n')}\n`;
}

if (require.main === module) {
  try {
    process.stdout.write(outputLines(shippedMatrix()));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
