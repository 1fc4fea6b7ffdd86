/**
 * Rollback of the services to a release from their release history.
 *
 * The history is the versions of the release pointer `/<project>/<env>/release/<service>` (see
 * scripts/lib/release-history.ts): only images that passed the scan gate and were deployed to
 * this environment. The rollback writes the chosen release back to the pointer (the new version's
 * description names the release it undoes) and redeploys with the same command as the pipeline,
 * `cdktf deploy compute edge`, so Terraform state stays the truth. It works the same for both
 * compute engines: the compute stack reads the pointer whichever engine runs the service.
 *
 *   DROP_ENV=production npm run rollback -- --list                  # the history, newest first
 *   DROP_ENV=production npm run rollback -- [--service api,web] [--to <tag|sha256:…|v<version>>] [--dry-run]
 *   DROP_ENV=production npm run rollback -- --undo 3f2a9c1          # the pipeline: undo release 3f2a9c1 where it is current
 *
 * `--undo` is the pipeline's state check: it runs after any failure (and on cancellation) once the
 * release step started, reads the pointers, and rolls back exactly the services whose current
 * release is that tag; when none is (the release step failed before writing, or a rollback ran
 * already) it says so and succeeds without deploying.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { type EnvironmentConfig, SERVICE_NAMES, type ServiceName, loadEnvironment } from '../config';
import { RELEASE_TAG } from '../constructs/compute/release-pointer';
import { Naming } from '../constructs/naming';
import {
  type Release,
  ReleaseHistoryError,
  type ServiceHistory,
  current,
  describeHistory,
  find,
  previous,
  readHistory,
  writePointer,
} from './lib/release-history';

export class RollbackError extends Error {}

/** The deploy command of the pipeline and docs/deploying.md; a rollback runs exactly this. */
export const DEPLOY_COMMAND = ['npx', 'cdktf', 'deploy', 'compute', 'edge', '--auto-approve'] as const;

export interface RollbackOptions {
  readonly environment: string;
  readonly services: readonly ServiceName[];
  /** A tag, digest, pointer value or history version (`v4`). */
  readonly to?: string;
  /**
   * The tag of the release to undo (the pipeline passes the commit it deployed): services whose
   * current release has another tag were not changed by that deploy and stay; none is no error.
   */
  readonly undo?: string;
  readonly mode: 'rollback' | 'list';
  readonly dryRun: boolean;
}

export interface RollbackDeps {
  readonly ssm: SSMClient;
  /** Runs a command with extra environment variables; returns its exit status. */
  readonly run: (command: string, args: readonly string[], env: Record<string, string>) => number;
  readonly log: (line: string) => void;
}

export interface Change {
  readonly service: ServiceName;
  readonly from: Release;
  readonly to: Release;
}

function target(history: ServiceHistory, options: RollbackOptions): Release | undefined {
  const now = current(history);
  const where = `${history.service} in ${options.environment}`;
  if (!now) {
    throw new RollbackError(
      `No release of ${where} is recorded (${history.parameter}): there is nothing to roll back to. Nothing was deployed.`,
    );
  }
  if (options.undo !== undefined && now.tag !== options.undo) return undefined; // the deploy being undone did not change it
  if (options.to) return find(history, options.to, options.environment);
  const before = previous(history);
  if (!before) {
    throw new RollbackError(
      `No previous release of ${where} to roll back to: its history holds only ${history.releases.map((r) => `v${r.version} ${r.tag}`).join(', ')} ` +
        `(current v${now.version} ${now.tag}). Nothing was deployed.`,
    );
  }
  return before;
}

/**
 * Plans the rollback of every selected service first (so bad input writes nothing), then writes and
 * deploys. `config` is the environment's, loaded from `options.environment` unless the caller has it.
 */
export async function rollback(
  deps: RollbackDeps,
  options: RollbackOptions,
  config: EnvironmentConfig = loadEnvironment(options.environment),
): Promise<Change[]> {
  const naming = new Naming(config);
  const histories = await Promise.all(options.services.map((service) => readHistory(deps.ssm, naming, service)));

  if (options.mode === 'list') {
    for (const history of histories) for (const line of describeHistory(history)) deps.log(line);
    return [];
  }

  const changes: Change[] = [];
  try {
    for (const history of histories) {
      const to = target(history, options);
      const from = current(history)!; // target() refused a history without one
      if (!to || to.value === from.value) {
        deps.log(`${history.service}: stays on v${from.version} ${from.tag}`);
        continue;
      }
      changes.push({ service: history.service as ServiceName, from, to });
      deps.log(`${history.service}: v${from.version} ${from.tag} -> v${to.version} ${to.tag} (${to.digest})`);
    }
  } catch (error) {
    if (error instanceof ReleaseHistoryError) throw new RollbackError(`${error.message}. Nothing was deployed.`);
    throw error;
  }
  if (changes.length === 0 && options.undo !== undefined) {
    // The pipeline's state check: it runs after any failure once the release step started, also
    // when the release step failed before it wrote a pointer, or a rollback already ran.
    deps.log(
      `No service in ${options.environment} runs release ${options.undo} (it was not recorded, or it was undone already): nothing to roll back, nothing deployed`,
    );
    return [];
  }
  if (changes.length === 0) {
    throw new RollbackError(
      `Nothing to roll back in ${options.environment}: every selected service already runs the chosen release. Nothing was deployed.`,
    );
  }
  if (options.dryRun) return changes;

  for (const change of changes) {
    const history = histories.find((h) => h.service === change.service)!;
    await writePointer(deps.ssm, history.parameter, change.to.value, `rolled back from ${change.from.value} (to v${change.to.version})`);
  }
  deps.log(`release pointers written; deploying: DROP_ENV=${options.environment} ${DEPLOY_COMMAND.join(' ')}`);
  const status = deps.run(DEPLOY_COMMAND[0], DEPLOY_COMMAND.slice(1), { DROP_ENV: options.environment });
  if (status !== 0)
    throw new RollbackError(`${DEPLOY_COMMAND.join(' ')} exited ${status}; the pointers already name the rollback target, so rerun it`);
  return changes;
}

export function parseCommandLine(argv: string[], defaultEnvironment: string | undefined): RollbackOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      service: { type: 'string', default: SERVICE_NAMES.join(',') },
      to: { type: 'string' },
      undo: { type: 'string' },
      list: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const environment = values.env ?? defaultEnvironment;
  if (!environment) throw new RollbackError('No environment: set DROP_ENV or pass --env (e.g. --env production)');
  const services = values.service!.split(',').map((s) => s.trim());
  const unknown = services.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new RollbackError(`--service ${unknown.join(',')} is not a service; expected ${SERVICE_NAMES.join(', ')}`);
  if (values.to !== undefined && values.undo !== undefined)
    throw new RollbackError('--to and --undo exclude each other: --to picks one release, --undo goes back from the named one');
  if (values.undo !== undefined && !RELEASE_TAG.test(values.undo)) {
    throw new RollbackError(
      `--undo ${JSON.stringify(values.undo)} is not an image tag; expected the tag the pipeline released, e.g. --undo "$IMAGE_TAG"`,
    );
  }
  return {
    environment,
    services: services as ServiceName[],
    to: values.to,
    undo: values.undo,
    mode: values.list ? 'list' : 'rollback',
    dryRun: values['dry-run']!,
  };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2), process.env.DROP_ENV || undefined);
    const config = loadEnvironment(options.environment);
    await rollback(
      {
        ssm: new SSMClient({ region: config.aws.region }),
        run: (command, args, env) => spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1,
        log: console.log,
      },
      options,
      config,
    );
  })().catch((error: Error) => {
    console.error(error instanceof RollbackError || error.name === 'ConfigError' ? error.message : error);
    process.exitCode = 1;
  });
}
