/**
 * Rollback of the services to the image deployed before the current one.
 *
 * The current image is what App Runner runs now; the previous one is the newest image of the
 * service's ECR repository pushed before it that the scan gate would have let through (no
 * CRITICAL findings). `--to` names the image instead.
 *
 * By default the rollback goes through Terraform (`cdktf deploy compute` with the images as
 * variables), so state stays the truth. `--via apprunner` is the spec's manual path
 * (`aws apprunner update-service` with the previous image): faster, but the next Terraform deploy
 * reverts it unless it passes the same image.
 *
 *   DROP_ENV=production npm run rollback -- [--service api,web] [--to <tag>] [--via terraform|apprunner] [--dry-run]
 */
import {
  AppRunnerClient,
  DescribeServiceCommand,
  ListServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-apprunner';
import { DescribeImagesCommand, ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DEFAULT_ENVIRONMENT, SERVICE_NAMES, type ServiceName, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';

export class RollbackError extends Error {}

export interface RunningImage {
  readonly serviceArn: string;
  /** `<registry>/<repository>` */
  readonly repositoryUri: string;
  /** A tag, or a digest `sha256:...`. */
  readonly reference: string;
}

/** Splits `123.dkr.ecr.eu-west-1.amazonaws.com/drop-production/api:3f2a9c1` (or `@sha256:...`). */
export function parseImageIdentifier(identifier: string): { repositoryUri: string; reference: string } {
  const at = identifier.indexOf('@');
  if (at > 0) return { repositoryUri: identifier.slice(0, at), reference: identifier.slice(at + 1) };
  const colon = identifier.lastIndexOf(':');
  if (colon <= identifier.lastIndexOf('/')) throw new RollbackError(`Image "${identifier}" has neither a tag nor a digest`);
  return { repositoryUri: identifier.slice(0, colon), reference: identifier.slice(colon + 1) };
}

/** The image an App Runner service runs now. */
export async function currentImage(client: AppRunnerClient, serviceName: string): Promise<RunningImage> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListServicesCommand({ NextToken: nextToken }));
    const summary = page.ServiceSummaryList?.find((service) => service.ServiceName === serviceName);
    if (summary?.ServiceArn) {
      const { Service } = await client.send(new DescribeServiceCommand({ ServiceArn: summary.ServiceArn }));
      const identifier = Service?.SourceConfiguration?.ImageRepository?.ImageIdentifier;
      if (!identifier) throw new RollbackError(`Service ${serviceName} does not run an image from a registry`);
      return { serviceArn: summary.ServiceArn, ...parseImageIdentifier(identifier) };
    }
    nextToken = page.NextToken;
  } while (nextToken);
  throw new RollbackError(`No App Runner service named ${serviceName}`);
}

function matches(image: ImageDetail, reference: string): boolean {
  return reference.startsWith('sha256:') ? image.imageDigest === reference : (image.imageTags ?? []).includes(reference);
}

/** The newest tagged image pushed before `current` whose scan shows no CRITICAL finding. */
export async function previousImage(client: ECRClient, repositoryName: string, current: string): Promise<string> {
  const images: ImageDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeImagesCommand({ repositoryName, filter: { tagStatus: 'TAGGED' }, nextToken }));
    images.push(...(page.imageDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const newestFirst = images.sort((a, b) => (b.imagePushedAt?.getTime() ?? 0) - (a.imagePushedAt?.getTime() ?? 0));
  const index = newestFirst.findIndex((image) => matches(image, current));
  if (index < 0) throw new RollbackError(`The running image ${current} is not in ${repositoryName}; name the target with --to`);
  const previous = newestFirst
    .slice(index + 1)
    .find((image) => (image.imageScanFindingsSummary?.findingSeverityCounts?.CRITICAL ?? 0) === 0);
  if (!previous) throw new RollbackError(`${repositoryName} has no image older than ${current} that passed the scan gate`);
  return previous.imageTags![0];
}

/** `<service>_image=<reference>` per service: the Terraform variables of what runs now. */
export async function currentVariables(apprunner: AppRunnerClient, naming: Naming): Promise<string[]> {
  const lines: string[] = [];
  for (const service of SERVICE_NAMES) {
    lines.push(`${service}_image=${(await currentImage(apprunner, naming.resource(service))).reference}`);
  }
  return lines;
}

export interface RollbackOptions {
  readonly services: readonly ServiceName[];
  readonly to?: string;
  readonly via: 'terraform' | 'apprunner';
  readonly dryRun: boolean;
  /** Only print the running images as Terraform variables (for plans and GITHUB_OUTPUT). */
  readonly current?: boolean;
}

export interface RollbackDeps {
  readonly apprunner: AppRunnerClient;
  readonly ecr: ECRClient;
  readonly naming: Naming;
  /** Runs a command (the cdktf deploy); returns its exit status. */
  readonly run: (command: string, args: string[]) => number;
  readonly log: (line: string) => void;
}

export interface RollbackPlan {
  readonly images: Readonly<Record<ServiceName, { readonly from: string; readonly to: string }>>;
}

export async function rollback(deps: RollbackDeps, options: RollbackOptions): Promise<RollbackPlan> {
  const images = {} as Record<ServiceName, { from: string; to: string }>;
  const running = {} as Record<ServiceName, RunningImage>;
  for (const service of SERVICE_NAMES) {
    running[service] = await currentImage(deps.apprunner, deps.naming.resource(service));
    const from = running[service].reference;
    const to = !options.services.includes(service)
      ? from
      : (options.to ?? (await previousImage(deps.ecr, deps.naming.repository(service), from)));
    images[service] = { from, to };
    deps.log(`${service}: ${from === to ? `stays on ${from}` : `${from} -> ${to}`}`);
  }
  if (options.dryRun) return { images };

  if (options.via === 'apprunner') {
    for (const service of options.services) {
      const { serviceArn, repositoryUri } = running[service];
      await deps.apprunner.send(
        new UpdateServiceCommand({
          ServiceArn: serviceArn,
          SourceConfiguration: {
            ImageRepository: { ImageIdentifier: `${repositoryUri}:${images[service].to}`, ImageRepositoryType: 'ECR' },
          },
        }),
      );
      deps.log(`${service}: update-service started; Terraform reverts it unless the next deploy passes ${images[service].to}`);
    }
    return { images };
  }

  const status = deps.run('npx', [
    'cdktf', 'deploy', 'compute', '--auto-approve',
    ...SERVICE_NAMES.map((service) => `--var=${service}_image=${images[service].to}`),
  ]);
  if (status !== 0) throw new RollbackError(`cdktf deploy compute exited ${status}`);
  return { images };
}

export function parseCommandLine(argv: string[]): RollbackOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      service: { type: 'string', default: SERVICE_NAMES.join(',') },
      to: { type: 'string' },
      via: { type: 'string', default: 'terraform' },
      'dry-run': { type: 'boolean', default: false },
      current: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const services = values.service!.split(',').map((s) => s.trim());
  const unknown = services.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new RollbackError(`--service ${unknown.join(',')} is not a service; expected ${SERVICE_NAMES.join(', ')}`);
  if (values.via !== 'terraform' && values.via !== 'apprunner') {
    throw new RollbackError(`--via ${values.via} is not a way to roll back; expected terraform or apprunner`);
  }
  return { services: services as ServiceName[], to: values.to, via: values.via, dryRun: values['dry-run']!, current: values.current };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2));
    const env = loadEnvironment(process.env.DROP_ENV || DEFAULT_ENVIRONMENT);
    const apprunner = new AppRunnerClient({ region: env.aws.region });
    if (options.current) {
      for (const line of await currentVariables(apprunner, new Naming(env))) console.log(line);
      return;
    }
    await rollback(
      {
        apprunner,
        ecr: new ECRClient({ region: env.aws.region }),
        naming: new Naming(env),
        run: (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1,
        log: console.log,
      },
      options,
    );
  })().catch((error: Error) => {
    console.error(error instanceof RollbackError || error.name === 'ConfigError' ? error.message : error);
    process.exitCode = 1;
  });
}
