/**
 * The one schema of an environment file (`config/environments/<name>.json`).
 *
 * It validates the files at synth, is the TypeScript type of the configuration, and is exported as
 * JSON Schema (`config/environment.schema.json`, written by `npm run schema`) for editors.
 * Rules that involve several fields live in `crossFieldRules` below, checked together.
 */
import { z } from 'zod';
import {
  BACKUP_WINDOW_PATTERN,
  MAINTENANCE_WINDOW_PATTERN,
  backupWindowMinutes,
  maintenanceWindowMinutes,
  overlappingDays,
} from './windows';
import { appRunnerProblems } from './engine-limits';
import { postgres16Class } from './rds-instance-classes';

/** A closed object whose unknown-key error names the keys that are allowed. */
function closed<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key; allowed keys: ${allowed}` : undefined,
  });
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'expected a lower-case DNS name such as "staging.getdrop.no"',
  });

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const logRetention = z.literal(LOG_RETENTION_DAYS);

export const ENVIRONMENT_TIERS = ['staging', 'production'] as const;
export const CLOUDFLARE_PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export const COMPUTE_ENGINES = ['app-runner'] as const;
export const SERVICE_NAMES = ['web', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const backend = z.discriminatedUnion('type', [
  closed({
    type: z.literal('local').describe('State files at the project root, one per environment and stack.'),
  }),
  closed({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name' }),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' }),
    dynamodbTable: z
      .string()
      .min(3)
      .optional()
      .describe('Lock table. @default - S3 native locking (use_lockfile)'),
  }),
  closed({
    type: z.literal('cloud'),
    organization: z.string().min(1),
    hostname: hostname.default('app.terraform.io'),
    project: z.string().min(1).optional().describe('Terraform Cloud project of the workspaces.'),
  }),
]);

const healthCheck = closed({
  path: z.string().regex(/^\/[A-Za-z0-9/._-]*$/, { error: 'expected an absolute path such as "/v1/health"' }),
  intervalSeconds: int(1, 20),
  timeoutSeconds: int(1, 20),
  healthyThreshold: int(1, 20),
  unhealthyThreshold: int(1, 20),
});

const service = closed({
  port: int(1, 65535),
  cpu: z.number().positive().describe('vCPU per instance, e.g. 1'),
  memoryGb: z.number().positive().describe('Memory per instance in GB, e.g. 2'),
  minInstances: int(1, 25),
  maxInstances: int(1, 25),
  concurrency: int(1, 1000).describe('Concurrent requests per instance before scaling out.'),
  healthCheck,
});

export const environmentSchema = closed({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, { error: 'expected lower-case letters, digits and "-"' }),
  tier: z.enum(ENVIRONMENT_TIERS).describe('production turns on the production-only rules.'),
  project: z.string().regex(/^[a-z][a-z0-9]{1,15}$/, { error: 'expected lower-case letters and digits' }),
  aws: closed({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' }),
    allowedAccountIds: z
      .array(z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }))
      .optional()
      .describe('The provider refuses to plan against any other account. @default - any account'),
  }),
  backend,
  ci: closed({
    githubRepository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected "owner/name"' }),
    deployBranch: z.string().regex(/^[A-Za-z0-9._/-]+$/, { error: 'expected a branch name' }),
    oidcProvider: z
      .enum(['create', 'existing'])
      .describe('"create" the account-wide GitHub OIDC provider, or use the "existing" one.'),
  }),
  registry: closed({
    keepReleases: int(2, 1000).describe('Images kept per repository; 2 or more so rollback has a previous image.'),
    untaggedExpiryDays: int(1, 365),
  }),
  network: closed({
    cidr: z
      .string()
      .regex(/^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/, { error: 'expected a /16 IPv4 block such as "10.20.0.0/16"' }),
    availabilityZones: int(2, 3).describe('Private (and public) subnets are spread over this many zones.'),
    natGateways: int(1, 3).describe('1 saves cost; one per availability zone survives a zone outage.'),
    flowLogRetentionDays: logRetention,
  }),
  database: closed({
    engineVersion: z.literal('16'),
    instanceClass: z.string().regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class such as "db.t3.micro"' }),
    allocatedStorageGb: int(20, 65536),
    maxAllocatedStorageGb: int(20, 65536).optional().describe('@default - no storage autoscaling'),
    multiAz: z.boolean(),
    backupRetentionDays: z
      .number()
      .int()
      .min(1, { error: 'expected 1 to 35 days (0 would turn off backups and point-in-time recovery)' })
      .max(35, { error: 'expected 1 to 35 days (the RDS maximum)' }),
    backupWindow: z.string().regex(BACKUP_WINDOW_PATTERN, { error: 'expected "hh24:mi-hh24:mi" in UTC, e.g. "01:00-01:30"' }),
    maintenanceWindow: z
      .string()
      .regex(MAINTENANCE_WINDOW_PATTERN, { error: 'expected "ddd:hh24:mi-ddd:hh24:mi" in UTC, e.g. "sun:03:00-sun:04:00"' }),
    deletionProtection: z.boolean(),
    finalSnapshot: z.boolean().describe('Take a final snapshot when the instance is deleted.'),
    monitoringIntervalSeconds: z.literal([1, 5, 10, 15, 30, 60]).describe('Enhanced monitoring granularity.'),
    performanceInsightsRetentionDays: z.literal([7, 31, 93, 186, 372, 731]),
    logRetentionDays: logRetention.describe('Retention of the exported PostgreSQL logs.'),
  }),
  app: closed({
    bankidMock: z.boolean().describe('BANKID_MOCK: sign in without BankID (never in production).'),
    seedDemo: z.boolean().describe('SEED_DEMO: load demo data (never in production).'),
    serviceMode: z.enum(['demo', 'mock', 'live']).describe('NEXT_PUBLIC_SERVICE_MODE, baked into the web image at build time.'),
  }),
  compute: closed({
    engine: z.enum(COMPUTE_ENGINES),
    services: closed({ web: service, api: service }),
  }),
  domains: closed({
    public: hostname.describe('The public hostname of the environment (the web app; /v1/* reaches the api).'),
    apiOrigin: hostname.describe('The hostname of the api service behind the edge (its custom domain).'),
  }),
  edge: closed({
    zone: hostname.describe('The Cloudflare zone, e.g. "getdrop.no".'),
    plan: z.enum(CLOUDFLARE_PLANS),
    addons: closed({ botManagement: z.boolean(), loadBalancing: z.boolean() }),
  }),
});

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;

export interface Problem {
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
}

/**
 * Rules that involve more than one field. Each returns the problems it finds; all run together so
 * one error lists every problem.
 */
export const crossFieldRules: Record<string, (env: EnvironmentConfig) => Problem[]> = {
  maxInstancesAtLeastMin: (env) =>
    SERVICE_NAMES.flatMap((name) => {
      const s = env.compute.services[name];
      return s.maxInstances < s.minInstances
        ? [{
            path: ['compute', 'services', name, 'maxInstances'],
            input: s.maxInstances,
            message: `is below minInstances (${s.minInstances}); expected maxInstances >= minInstances`,
          }]
        : [];
    }),
  healthCheckTimeoutWithinInterval: (env) =>
    SERVICE_NAMES.flatMap((name) => {
      const h = env.compute.services[name].healthCheck;
      return h.timeoutSeconds > h.intervalSeconds
        ? [{
            path: ['compute', 'services', name, 'healthCheck', 'timeoutSeconds'],
            input: h.timeoutSeconds,
            message: `is longer than intervalSeconds (${h.intervalSeconds}); expected timeoutSeconds <= intervalSeconds`,
          }]
        : [];
    }),
  productionIsMultiAz: (env) =>
    env.tier === 'production' && !env.database.multiAz
      ? [{ path: ['database', 'multiAz'], input: false, message: 'must be true when tier is "production" (failover for the live database)' }]
      : [],
  productionHasDeletionProtection: (env) =>
    env.tier === 'production' && !env.database.deletionProtection
      ? [{ path: ['database', 'deletionProtection'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  productionRunsRealBankId: (env) =>
    env.tier === 'production' && env.app.bankidMock
      ? [{ path: ['app', 'bankidMock'], input: true, message: 'must be false when tier is "production"' }]
      : [],
  productionHasNoDemoData: (env) =>
    env.tier === 'production' && (env.app.seedDemo || env.app.serviceMode !== 'live')
      ? [{
          path: ['app', env.app.seedDemo ? 'seedDemo' : 'serviceMode'],
          input: env.app.seedDemo ? true : env.app.serviceMode,
          message: env.app.seedDemo ? 'must be false when tier is "production"' : 'must be "live" when tier is "production"',
        }]
      : [],
  engineCanRunServices: (env) => (env.compute.engine === 'app-runner' ? appRunnerProblems(env) : []),
  productionKeepsFinalSnapshot: (env) =>
    env.tier === 'production' && !env.database.finalSnapshot
      ? [{ path: ['database', 'finalSnapshot'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  instanceClassRunsPostgres16: (env) => {
    const found = postgres16Class(env.database.instanceClass);
    return 'problem' in found
      ? [{ path: ['database', 'instanceClass'], input: env.database.instanceClass, message: found.problem }]
      : [];
  },
  natGatewaysWithinZones: (env) =>
    env.network.natGateways > env.network.availabilityZones
      ? [{
          path: ['network', 'natGateways'],
          input: env.network.natGateways,
          message: `is more than availabilityZones (${env.network.availabilityZones}); expected 1 to ${env.network.availabilityZones}`,
        }]
      : [],
  productionNatPerZone: (env) =>
    env.tier === 'production' && env.network.natGateways !== env.network.availabilityZones
      ? [{
          path: ['network', 'natGateways'],
          input: env.network.natGateways,
          message: `must equal availabilityZones (${env.network.availabilityZones}) when tier is "production", so egress survives a zone outage`,
        }]
      : [],
  storageAutoscalingAboveAllocated: (env) => {
    const { allocatedStorageGb, maxAllocatedStorageGb } = env.database;
    return maxAllocatedStorageGb !== undefined && maxAllocatedStorageGb <= allocatedStorageGb
      ? [{
          path: ['database', 'maxAllocatedStorageGb'],
          input: maxAllocatedStorageGb,
          message: `must be above allocatedStorageGb (${allocatedStorageGb}) to autoscale; omit it to turn autoscaling off`,
        }]
      : [];
  },
  // Field checks do not stop these rules, so rules that parse a window skip a malformed one
  // (its own error is already reported).
  backupWindowLength: (env) =>
    BACKUP_WINDOW_PATTERN.test(env.database.backupWindow) && backupWindowMinutes(env.database.backupWindow) < 30
      ? [{ path: ['database', 'backupWindow'], input: env.database.backupWindow, message: 'is shorter than 30 minutes, the RDS minimum' }]
      : [],
  maintenanceWindowLength: (env) =>
    MAINTENANCE_WINDOW_PATTERN.test(env.database.maintenanceWindow) &&
    maintenanceWindowMinutes(env.database.maintenanceWindow) < 30
      ? [{ path: ['database', 'maintenanceWindow'], input: env.database.maintenanceWindow, message: 'is shorter than 30 minutes, the RDS minimum' }]
      : [],
  windowsDoNotOverlap: (env) => {
    const { backupWindow, maintenanceWindow } = env.database;
    if (!BACKUP_WINDOW_PATTERN.test(backupWindow) || !MAINTENANCE_WINDOW_PATTERN.test(maintenanceWindow)) return [];
    const days = overlappingDays(backupWindow, maintenanceWindow);
    return days.length > 0
      ? [{
          path: ['database', 'backupWindow'],
          input: backupWindow,
          message: `overlaps maintenanceWindow "${maintenanceWindow}" (on ${days.join(', ')}); expected a daily window outside it`,
        }]
      : [];
  },
  hostnamesInZone: (env) => {
    const zone = env.edge.zone;
    return Object.entries(env.domains).flatMap(([key, host]) => {
      const path = ['domains', key];
      if (host !== zone && !host.endsWith(`.${zone}`)) {
        return [{ path, input: host, message: `is not in zone "${zone}"; expected "${zone}" or a name ending in ".${zone}"` }];
      }
      // Cloudflare's Universal SSL certificate covers the apex and one level below it only.
      if (host.slice(0, -zone.length - 1).includes('.')) {
        return [{ path, input: host, message: `is more than one level below "${zone}", which the zone's Universal SSL certificate does not cover; expected a name such as "staging-api.${zone}"` }];
      }
      return [];
    });
  },
  distinctHostnames: (env) =>
    env.domains.public === env.domains.apiOrigin
      ? [{ path: ['domains', 'apiOrigin'], input: env.domains.apiOrigin, message: 'is the same as domains.public; the api needs a hostname of its own' }]
      : [],
};

/** The schema with the cross-field rules attached: what the loader parses with. */
export const validatedEnvironmentSchema = environmentSchema.superRefine((env, ctx) => {
  for (const rule of Object.values(crossFieldRules)) {
    for (const problem of rule(env)) {
      ctx.addIssue({ code: 'custom', path: problem.path, input: problem.input, message: problem.message });
    }
  }
});
