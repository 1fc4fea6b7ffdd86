/**
 * What outlives one run of a workflow in the dry run: the cloud as the pipeline leaves it. The
 * fake AWS (registries, release pointers and their history, alarms), the applied Terraform state of
 * every stack, and the deployed services (the real API per environment, started with the release
 * its compute stack's apply finds in the pointer). A second dry run given the same World is a
 * second run of the pipeline against the same cloud: a re-run, or the next push.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type EnvironmentConfig, SERVICE_NAMES, knownEnvironments, loadEnvironment } from '../../config';
import { Naming } from '../../constructs/naming';
import type { TerraformJson } from '../../review/terraform';
import type { ImageRecord } from '../registry-image';
import { imageDigest } from './docker-model';
import { FakeAws, fakeDigest } from './fake-aws';
import { LocalApi, freePort } from './local-api';

/** How this commit's release behaves once its compute stack is applied in an environment. */
export interface ReleaseBehaviour {
  /** It fails at start-up (a crashing container). */
  readonly broken?: readonly string[];
  /** A compute alarm fires once it runs. */
  readonly alarm?: readonly string[];
  /** The apply succeeds but the old release keeps running (a deploy that left the old image in place). */
  readonly stale?: readonly string[];
}

/** An embedded database directory with the migrations applied, shared by the APIs of this process. */
let sharedTemplate: string | undefined;

export class World {
  readonly aws = new FakeAws();
  /** Applied configuration and its serial, by `<env>/<stack>` (the terraform model's state). */
  readonly terraformState = new Map<string, { config: TerraformJson; serial: number }>();
  /** Releases each environment's API ran, in order (tag, and "(broken)" when it failed to start). */
  readonly deployments: Record<string, string[]> = {};
  readonly environments: readonly string[];
  readonly configs: Readonly<Record<string, EnvironmentConfig>>;
  private readonly apis = new Map<string, LocalApi>();
  private ports: Record<string, number> = {};

  private constructor(readonly previousTag: string) {
    this.environments = knownEnvironments();
    // Each environment file is read and validated once, for the seed, the deploy hook and every step.
    this.configs = Object.fromEntries(this.environments.map((e) => [e, loadEnvironment(e)] as const));
  }

  /** A cloud where every environment runs `previousTag`: its images scanned clean in the registries, the pointers at it. */
  static async create(previousTag = 'previous'): Promise<World> {
    const world = new World(previousTag);
    for (const environment of world.environments) {
      const naming = new Naming(world.configs[environment]);
      for (const service of SERVICE_NAMES) {
        world.aws.pushImage(naming.repository(service), previousTag);
        world.aws.putParameter(
          naming.release(service),
          `${previousTag}@${fakeDigest(naming.repository(service), previousTag)}`,
          'first release (dry-run seed)',
        );
      }
    }
    world.ports = Object.fromEntries(await Promise.all(world.environments.map(async (e) => [e, await freePort()] as const)));
    return world;
  }

  /** `staging=http://127.0.0.1:<port>,...`: where the health checks reach each environment (DROP_PUBLIC_URLS). */
  get publicUrls(): string {
    return this.environments.map((e) => `${e}=http://127.0.0.1:${this.ports[e]}`).join(',');
  }

  /**
   * This commit's images in every registry, as the push job leaves them (for dry runs that do not
   * run it): one build per service, so one digest in every environment's registry. Returns the
   * push job's records of them, by artifact name.
   */
  seedImages(tag: string): Record<string, { environment: string; service: string; record: ImageRecord }> {
    const records: Record<string, { environment: string; service: string; record: ImageRecord }> = {};
    for (const environment of this.environments) {
      const naming = new Naming(this.configs[environment]);
      for (const service of SERVICE_NAMES) {
        const repository = naming.repository(service);
        const image =
          this.aws.state.images.get(repository)?.find((i) => i.tag === tag) ??
          this.aws.pushImage(repository, tag, {}, imageDigest(`dry-run build of ${service} at ${tag}`));
        records[`image-record-${environment}-${service}`] = {
          environment,
          service,
          record: { repository, tag, digest: image.digest, reused: false },
        };
      }
    }
    return records;
  }

  /**
   * An apply of a stack succeeded: a compute stack starts the release its pointer names (after
   * checking the stack reads the pointers, as Terraform would), and defines its alarms.
   */
  async applied(
    environment: string,
    stack: string,
    directory: string,
    release: { tag: string } & ReleaseBehaviour,
    log: (line: string) => void,
  ) {
    if (!this.environments.includes(environment)) return { ok: false, message: `DROP_ENV ${environment} is not an environment` };
    if (stack !== 'compute') return { ok: true, message: `${environment}/${stack}: applied (nothing to start)` };
    const synthesized = JSON.parse(readFileSync(path.join(directory, 'cdk.tf.json'), 'utf8'));
    const naming = new Naming(this.configs[environment]);
    const reads = Object.values(synthesized.data?.aws_ssm_parameters_by_path ?? {}) as Array<{ path?: string }>;
    if (!reads.some((read) => read.path === naming.releasePath())) {
      return { ok: false, message: `${environment}/compute does not read the release pointers under ${naming.releasePath()}` };
    }
    // The alarms this compute stack defines (App Runner: p95 latency, 5xx ratio, CPU; ECS Express: its own).
    for (const alarm of Object.values(synthesized.resource?.aws_cloudwatch_metric_alarm ?? {}) as Array<{ alarm_name: string }>) {
      if (!this.aws.state.alarms.some((a) => a.name === alarm.alarm_name))
        this.aws.state.alarms.push({ name: alarm.alarm_name, state: 'OK' });
    }
    const pointer = this.aws.parameter(naming.release('api'));
    let tag = pointer?.split('@')[0] ?? '';
    let api = this.apis.get(environment);
    if (tag === release.tag && (release.stale ?? []).includes(environment)) {
      // The apply "succeeds" and the old release keeps running: the service was never told to change.
      const old = api?.running?.tag ?? this.previousTag;
      log(`[deploy] ${environment}: the apply left ${old} running (stale deploy)`);
      if (api?.running) return { ok: true, message: `${environment}/compute: applied, but the service still runs ${old}` };
      tag = old;
    }
    const healthy = !(tag === release.tag && (release.broken ?? []).includes(environment));
    if (!api) {
      api = new LocalApi(this.ports[environment], sharedTemplate);
      this.apis.set(environment, api);
    }
    await api.deploy({ tag, healthy });
    (this.deployments[environment] ??= []).push(`${tag}${healthy ? '' : ' (broken)'}`);
    if (!sharedTemplate && healthy) {
      // Later environments (and dry runs) start from this one's database files: saves the first start's migrations.
      await api.stop();
      const template = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-template-'));
      cpSync(api.data, template, { recursive: true });
      sharedTemplate = template;
      process.once('exit', () => rmSync(template, { recursive: true, force: true }));
      await api.deploy({ tag, healthy });
    }
    if (tag === release.tag && (release.alarm ?? []).includes(environment)) {
      const alarm = this.aws.state.alarms.find((a) => a.name === `${naming.resource('api')}-cpu`);
      if (!alarm) return { ok: false, message: `${environment}/compute defines no alarm ${naming.resource('api')}-cpu` };
      alarm.state = 'ALARM';
      alarm.reason = 'Threshold Crossed: CPU above 80 % for 3 minutes (dry run)';
    } else {
      for (const alarm of this.aws.state.alarms.filter((a) => a.name.startsWith(`${naming.resource('api')}-`))) alarm.state = 'OK';
    }
    tag ||= '(none)';
    log(`[deploy] ${environment}: api runs ${tag}${healthy ? '' : ' (broken: fails at start-up)'} on :${this.ports[environment]}`);
    return { ok: true, message: `${environment}/compute: api runs ${pointer}` };
  }

  /** Current release pointer values, by parameter name. */
  pointers(): Record<string, string | undefined> {
    const pointers: Record<string, string | undefined> = {};
    for (const name of this.aws.state.parameters.keys()) pointers[name] = this.aws.parameter(name);
    return pointers;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.apis.values()].map((api) => api.dispose()));
    this.apis.clear();
  }
}
