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
import { appRunnerProblems, ecsExpressProblems } from './engine-limits';
import { postgres16Class } from './rds-instance-classes';
import {
  CLOUDFLARE_PLANS,
  CLOUDFLARE_SPECIAL_COUNTRIES,
  DEFAULT_SANCTIONED_COUNTRIES,
  DEFAULT_SANCTIONED_REGIONS,
  ISO_COUNTRY_CODES,
  OWASP_SCORE_THRESHOLDS,
  PLAN_LIMITS,
  RATE_LIMIT_PERIODS,
  RULESET_PHASES,
  SUBDIVISION_CODE,
  lowestPlanWhere,
  rateLimitRulesOf,
} from './cloudflare';

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

/** BankID Norway's OpenID Connect issuers (developer.bankid.no, "OpenID Configuration"). */
export const BANKID_PRODUCTION_ISSUER = 'https://auth.bankid.no/auth/realms/prod';
export const BANKID_TEST_ISSUER = 'https://auth.current.bankid.no/auth/realms/current';
/** Hosts of BankID test environments, refused in production. */
const BANKID_TEST_ISSUERS = [new URL(BANKID_TEST_ISSUER).host];
export { CLOUDFLARE_PLANS };
export const COMPUTE_ENGINES = ['app-runner', 'ecs-express'] as const;
export const SERVICE_NAMES = ['web', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const subdivisionCode = z.string().refine((code) => SUBDIVISION_CODE.test(code) && ISO_COUNTRY_CODES.has(code.slice(0, 2)), {
  error: 'expected an upper-case ISO 3166-2 subdivision code such as "UA-43" (country code, hyphen, region)',
});

const rulesetId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected a Cloudflare ruleset id: 32 lower-case hex digits' });

const countryCode = z.string().refine((code) => ISO_COUNTRY_CODES.has(code) || (CLOUDFLARE_SPECIAL_COUNTRIES as readonly string[]).includes(code), {
  error: 'expected an upper-case ISO 3166-1 alpha-2 country code such as "NO" (or Cloudflare\'s "T1" for Tor, "XX" for unknown)',
});

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+:[0-9a-fA-F:]*(\/\d{1,3})?)$/;

const rateLimit = closed({
  requestsPerPeriod: int(1, 1000000),
  periodSeconds: z
    .union(RATE_LIMIT_PERIODS.map((n) => z.literal(n)), { error: `expected one of ${RATE_LIMIT_PERIODS.join(', ')} seconds` })
    .describe('Counting period; which ones the zone plan allows is checked with the plan.'),
  mitigationTimeoutSeconds: int(0, 86400).describe('How long the action lasts once triggered; challenges below Enterprise use 0.'),
});

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
  concurrency: int(1, 1000).describe('Concurrent requests per instance before scaling out (App Runner; ECS Express scales on CPU).'),
  healthCheck,
});

export const environmentSchema = closed({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, { error: 'expected lower-case letters, digits and "-"' }),
  tier: z.enum(ENVIRONMENT_TIERS).describe('production turns on the production-only rules.'),
  project: z.string().regex(/^[a-z][a-z0-9]{1,15}$/, { error: 'expected lower-case letters and digits' }),
  aws: closed({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' }),
    accountId: z
      .string()
      .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id such as "123456789012"' })
      .describe('The AWS account of this environment. The provider refuses any other (unless allowedAccountIds says otherwise), and one account holds one GitHub OIDC provider.'),
    allowedAccountIds: z
      .array(z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }))
      .optional()
      .describe('The provider refuses to plan against any other account. @default - [accountId]'),
  }),
  backend: backend
    .default({ type: 'local' })
    .describe('Where Terraform state lives. @default - local files at the project root (no credentials needed)'),
  ci: closed({
    githubRepository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected "owner/name"' }),
    deployBranch: z.string().regex(/^[A-Za-z0-9._/-]+$/, { error: 'expected a branch name' }),
    githubEnvironment: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a GitHub environment name' })
      .describe('The GitHub environment whose deploy jobs (with their protection rules) may assume the CI role.'),
    oidcProvider: z
      .enum(['create', 'existing'])
      .describe('"create" the account-wide GitHub OIDC provider, or use the "existing" one.'),
  }),
  alarms: closed({
    subscribers: z
      .array(
        z.discriminatedUnion('protocol', [
          closed({ protocol: z.literal('email'), endpoint: z.email({ error: 'expected an email address such as "oncall@getdrop.no"' }) }),
          closed({
            protocol: z.literal('https'),
            endpoint: z.url({ protocol: /^https$/, error: 'expected an https:// URL (an incident tool\'s SNS webhook)' }),
          }),
        ], { error: 'expected a subscriber with protocol "email" or "https"' }),
      )
      .describe('Who the alarm topic notifies: {"protocol": "email" | "https", "endpoint": ...}. Production needs at least one; email subscriptions must be confirmed once.'),
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
    bankidIssuer: z
      .url({ protocol: /^https$/, error: 'expected the https URL of the BankID OpenID Connect issuer, e.g. "https://auth.current.bankid.no/auth/realms/current"' })
      .describe('BANKID_ISSUER: the OpenID Connect issuer the api signs in against (found by discovery): BankID\'s test environment in staging, production BankID in production.'),
    bankidIdClaim: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, { error: 'expected an ID token claim name such as "nnin_altsub"' })
      .default('nnin_altsub')
      .describe('BANKID_ID_CLAIM: the ID token claim holding the national identity number (BankID Norway: nnin_altsub).'),
    seedDemo: z.boolean().describe('SEED_DEMO: load demo data (never in production).'),
    serviceMode: z.enum(['demo', 'mock', 'live']).describe('NEXT_PUBLIC_SERVICE_MODE, baked into the web image at build time.'),
  }),
  compute: closed({
    engine: z
      .enum(COMPUTE_ENGINES)
      .describe(
        '"app-runner" (AWS App Runner; not in every region, closed to new customers since 2026-04-30) or ' +
          '"ecs-express" (Amazon ECS Express Mode on Fargate behind its own load balancer). See the README, "Compute engines".',
      ),
    services: closed({ web: service, api: service }),
  }),
  domains: closed({
    public: hostname.describe('The public hostname of the environment (the web app; /v1/* reaches the api).'),
    apiOrigin: hostname.describe('The hostname of the api service behind the edge (its custom domain).'),
  }),
  edge: closed({
    zone: hostname.describe('The Cloudflare zone, e.g. "getdrop.no".'),
    plan: z.enum(CLOUDFLARE_PLANS).describe('The zone plan; every environment of the zone must say the same.'),
    addons: closed({
      botManagement: z.boolean(),
      loadBalancing: z.boolean(),
      advancedRateLimiting: z
        .boolean()
        .default(false)
        .describe('The Enterprise Advanced Rate Limiting add-on: 100 rate limiting rules instead of the 5 an Enterprise contract guarantees. @default false'),
    }),
    zoneOwner: z
      .boolean()
      .describe(
        'Exactly one environment of a zone owns the zone-wide settings and the entry-point rulesets ' +
          '(one per phase per zone), with rules scoped by hostname for every environment of the zone; ' +
          'the others own only their own DNS records, health checks and /v1 routing. ' +
          'The Cloudflare provider never deletes cloudflare_zone_setting: destroying the owner\'s edge stack, or moving the owner to ' +
          'another environment, leaves SSL/TLS, Always Use HTTPS and HSTS as they are (see the README, "Zone settings outlive the stack").',
      ),
    waf: closed({
      paranoiaLevel: int(1, 4).describe('OWASP Core Ruleset paranoia level: rules of higher levels are disabled.'),
      scoreThreshold: z
        .union(OWASP_SCORE_THRESHOLDS.map((n) => z.literal(n)), { error: 'expected 25 (high), 40 (medium) or 60 (low sensitivity)' })
        .describe('OWASP anomaly score at or above which a request is blocked: 25 high, 40 medium, 60 low sensitivity.'),
    }),
    countries: closed({
      allowed: z
        .array(countryCode)
        .min(1, { error: 'expected at least one country; an empty allow list would block every visitor' })
        .describe('Countries this environment serves (ip.src.country); everyone else is blocked unless excepted.'),
      testRegions: z
        .array(countryCode)
        .default([])
        .describe('Countries the QA and CI runners test from, allowed besides `allowed`. @default - none'),
      sanctioned: z
        .array(countryCode)
        .default([...DEFAULT_SANCTIONED_COUNTRIES])
        .describe('Always blocked, exceptions included. @default - current OFAC/UN comprehensive sanctions: CU, IR, KP'),
      sanctionedRegions: z
        .array(subdivisionCode)
        .default([...DEFAULT_SANCTIONED_REGIONS])
        .describe(
          'Regions always blocked, exceptions and health paths included, matched on ip.src.subdivision_1_iso_code (ISO 3166-2), ' +
            'which Cloudflare offers on Business and Enterprise; below Business synth warns and the country allow list must keep their countries out. ' +
            'A compliance decision (taken November 2026): the regions under comprehensive EU sanctions that a country code cannot express. ' +
            'Sources: Council Regulation (EU) No 692/2014 (UA-43 Crimea, UA-40 Sevastopol); Council Regulation (EU) 2022/263 ' +
            '(non-government-controlled areas of UA-14 Donetsk, UA-09 Luhansk), extended by Council Regulation (EU) 2022/1903 ' +
            '(UA-23 Zaporizhzhia, UA-65 Kherson). GeoIP matches whole oblasts. Review it with compliance when sanctions change. ' +
            '@default - UA-43, UA-40, UA-14, UA-09, UA-23, UA-65',
        ),
      exceptions: closed({
        ipRanges: z
          .array(z.string().regex(CIDR, { error: 'expected an IPv4 or IPv6 address or CIDR range such as "192.0.2.0/24"' }))
          .default([]),
        asns: z.array(int(1, 4294967295)).default([]),
      })
        .default({ ipRanges: [], asns: [] })
        .describe('Verified partners and monitors that pass the country allow list (never the sanctions).'),
    }),
    rateLimits: closed({
      auth: rateLimit.describe('/v1/auth/*: managed challenge per client IP.'),
      transactions: rateLimit.describe('/v1/transactions/*: blocked per client IP with a JSON 429 body.'),
    }),
    cache: closed({
      publicAssets: z
        .array(z.string().regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'expected a path or path prefix such as "/images/"' }))
        .describe('Paths of the web app public/ folder, served at the site root: a trailing "/" is a prefix, else an exact file.'),
      publicAssetTtlSeconds: int(1, 31536000).describe(
        "Edge cache TTL of the public assets; at least the zone plan's minimum edge cache TTL (free 2 h, pro 1 h, business and enterprise 1 s).",
      ),
    }),
    originHealth: closed({
      intervalSeconds: int(10, 3600),
      timeoutSeconds: int(1, 60),
      retries: int(0, 5),
    }),
    existingRulesets: closed(
      Object.fromEntries(RULESET_PHASES.map((phase) => [phase, rulesetId.optional()])) as Record<(typeof RULESET_PHASES)[number], z.ZodOptional<typeof rulesetId>>,
    )
      .default({})
      .describe(
        'Zone owner only: entry-point rulesets the zone already has (made in the dashboard or by another tool), by phase, ' +
          'imported on the next apply instead of created (a second POST is refused: "A similar configuration with rules already exists"). ' +
          'Their rules are then replaced by this stack\'s: review the plan. `npm run edge:existing -- --zone <zone>` prints these lines. @default - none',
      ),
  }),
});

/** The two rate limits (docs/requirements.md, Rate limits) and the action each takes when triggered. */
export const RATE_LIMIT_NAMES = ['auth', 'transactions'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];
export const RATE_LIMIT_ACTIONS: Readonly<Record<RateLimitName, 'managed_challenge' | 'block'>> = {
  auth: 'managed_challenge',
  transactions: 'block',
};

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
  // ECS Express's Network Load Balancer and its target group are named <project>-<name>-<service>;
  // Elastic Load Balancing allows 32 characters.
  ecsExpressLoadBalancerNames: (env) => {
    if (env.compute.engine !== 'ecs-express') return [];
    const longest = `${env.project}-${env.name}-${[...SERVICE_NAMES].sort((a, b) => b.length - a.length)[0]}`;
    return longest.length > 32
      ? [{
          path: ['name'],
          input: env.name,
          message: `makes the ecs-express load balancer name "${longest}" ${longest.length} characters long; expected <project>-<name>-<service> within 32 (Elastic Load Balancing's limit): shorten name (or project)`,
        }]
      : [];
  },
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
  productionSignsInWithProductionBankId: (env) =>
    env.tier === 'production' && BANKID_TEST_ISSUERS.includes(new URL(env.app.bankidIssuer).host)
      ? [{
          path: ['app', 'bankidIssuer'],
          input: env.app.bankidIssuer,
          message: `is a BankID test environment; expected the production issuer (${BANKID_PRODUCTION_ISSUER}) when tier is "production"`,
        }]
      : [],
  productionHasNoDemoData: (env) =>
    env.tier === 'production' && (env.app.seedDemo || env.app.serviceMode !== 'live')
      ? [{
          path: ['app', env.app.seedDemo ? 'seedDemo' : 'serviceMode'],
          input: env.app.seedDemo ? true : env.app.serviceMode,
          message: env.app.seedDemo ? 'must be false when tier is "production"' : 'must be "live" when tier is "production"',
        }]
      : [],
  engineCanRunServices: (env) => (env.compute.engine === 'app-runner' ? appRunnerProblems(env) : ecsExpressProblems(env)),
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
  rateLimitPeriodOnPlan: (env) =>
    RATE_LIMIT_NAMES.flatMap((name) => {
      const { periodSeconds } = env.edge.rateLimits[name];
      const allowed = PLAN_LIMITS[env.edge.plan].rateLimitPeriods;
      if (!(RATE_LIMIT_PERIODS as readonly number[]).includes(periodSeconds) || allowed.includes(periodSeconds)) return [];
      const needed = lowestPlanWhere((plan) => PLAN_LIMITS[plan].rateLimitPeriods.includes(periodSeconds));
      return [{
        path: ['edge', 'rateLimits', name, 'periodSeconds'],
        input: periodSeconds,
        message: `is not available on the ${env.edge.plan} plan (allowed: ${allowed.join(', ')} seconds); a ${periodSeconds} s period needs the ${needed} plan`,
      }];
    }),
  rateLimitTimeoutOnPlan: (env) =>
    RATE_LIMIT_NAMES.flatMap((name) => {
      const { mitigationTimeoutSeconds } = env.edge.rateLimits[name];
      const limits = PLAN_LIMITS[env.edge.plan];
      const path = ['edge', 'rateLimits', name, 'mitigationTimeoutSeconds'];
      // The auth limit challenges; below Enterprise a challenge must have no mitigation timeout.
      if (RATE_LIMIT_ACTIONS[name] === 'managed_challenge' && limits.challengeNeedsZeroTimeout) {
        return mitigationTimeoutSeconds === 0
          ? []
          : [{ path, input: mitigationTimeoutSeconds, message: `must be 0 on the ${env.edge.plan} plan: a challenge action has no mitigation timeout below Enterprise` }];
      }
      if (RATE_LIMIT_ACTIONS[name] === 'managed_challenge' && mitigationTimeoutSeconds === 0) return [];
      return limits.rateLimitTimeouts.includes(mitigationTimeoutSeconds)
        ? []
        : [{ path, input: mitigationTimeoutSeconds, message: `is not available on the ${env.edge.plan} plan; expected one of ${limits.rateLimitTimeouts.join(', ')} seconds` }];
    }),
  rateLimitRulesOnPlan: (env) => {
    const allowed = rateLimitRulesOf(env.edge.plan, env.edge.addons.advancedRateLimiting);
    return RATE_LIMIT_NAMES.length > allowed
      ? [{
          path: ['edge', 'plan'],
          input: env.edge.plan,
          message: `allows ${allowed} rate limiting rule(s); the ${RATE_LIMIT_NAMES.length} rate limits (/v1/auth/*, /v1/transactions/*) need the pro plan or higher`,
        }]
      : [];
  },
  advancedRateLimitingOnEnterprise: (env) =>
    env.edge.addons.advancedRateLimiting && env.edge.plan !== 'enterprise'
      ? [{
          path: ['edge', 'addons', 'advancedRateLimiting'],
          input: true,
          message: `is an Enterprise add-on; the ${env.edge.plan} plan cannot have it (expected false, or plan "enterprise")`,
        }]
      : [],
  publicAssetTtlOnPlan: (env) => {
    const minimum = PLAN_LIMITS[env.edge.plan].edgeCacheTtlMinSeconds;
    const ttl = env.edge.cache.publicAssetTtlSeconds;
    if (ttl >= minimum) return [];
    const needed = lowestPlanWhere((plan) => PLAN_LIMITS[plan].edgeCacheTtlMinSeconds <= ttl);
    return [{
      path: ['edge', 'cache', 'publicAssetTtlSeconds'],
      input: ttl,
      message: `is below the ${env.edge.plan} plan's minimum edge cache TTL of ${minimum} seconds (${humanSeconds(minimum)})` +
        (needed ? `; ${ttl} s needs the ${needed} plan` : ''),
    }];
  },
  sanctionedRegionsEnforceable: (env) => {
    if (PLAN_LIMITS[env.edge.plan].subdivisionField) return [];
    const regionCountries = new Set(env.edge.countries.sanctionedRegions.map((code) => code.slice(0, 2)));
    return (['allowed', 'testRegions'] as const).flatMap((key) =>
      env.edge.countries[key].flatMap((code, index) =>
        regionCountries.has(code)
          ? [{
              path: ['edge', 'countries', key, index],
              input: code,
              message: `holds sanctioned regions (edge.countries.sanctionedRegions) that the ${env.edge.plan} plan cannot match ` +
                '(ip.src.subdivision_1_iso_code needs the business plan or higher); expected the country left out of the allow list, or plan "business"',
            }]
          : [],
      ),
    );
  },
  existingRulesetsOfTheOwner: (env) => {
    const named = Object.entries(env.edge.existingRulesets).filter(([, id]) => id !== undefined);
    if (named.length === 0) return [];
    if (!env.edge.zoneOwner) {
      return [{
        path: ['edge', 'existingRulesets'],
        input: env.edge.existingRulesets,
        message: 'is only for the zone owner (edge.zoneOwner true): only its edge stack holds the entry-point rulesets',
      }];
    }
    return named
      .filter(([phase]) => phase === 'http_request_origin' && !PLAN_LIMITS[env.edge.plan].originHostOverride)
      .map(([phase, id]) => ({
        path: ['edge', 'existingRulesets', phase],
        input: id,
        message: `names a ruleset the ${env.edge.plan} plan's edge stack does not manage (the api origin rule is Enterprise-only; below it a Worker routes /v1/*); expected no http_request_origin entry`,
      }));
  },
  managedRulesetsOnPlan: (env) =>
    PLAN_LIMITS[env.edge.plan].managedRulesets
      ? []
      : [{ path: ['edge', 'plan'], input: env.edge.plan, message: 'has no Cloudflare Managed Ruleset or OWASP Core Ruleset; the WAF needs the pro plan or higher' }],
  originHealthOnPlan: (env) => {
    const limits = PLAN_LIMITS[env.edge.plan];
    const { intervalSeconds, timeoutSeconds } = env.edge.originHealth;
    const problems: Problem[] = [];
    if (!limits.healthChecks) {
      problems.push({ path: ['edge', 'plan'], input: env.edge.plan, message: 'has no origin health checks (cloudflare_healthcheck); they need the pro plan or higher' });
    } else if (intervalSeconds < limits.healthCheckMinIntervalSeconds) {
      const needed = lowestPlanWhere((plan) => PLAN_LIMITS[plan].healthChecks && PLAN_LIMITS[plan].healthCheckMinIntervalSeconds <= intervalSeconds);
      problems.push({
        path: ['edge', 'originHealth', 'intervalSeconds'],
        input: intervalSeconds,
        message: `is below the ${env.edge.plan} plan's minimum of ${limits.healthCheckMinIntervalSeconds} seconds${needed ? `; ${intervalSeconds} s needs the ${needed} plan` : ''}`,
      });
    }
    if (timeoutSeconds >= intervalSeconds) {
      problems.push({ path: ['edge', 'originHealth', 'timeoutSeconds'], input: timeoutSeconds, message: `must be shorter than intervalSeconds (${intervalSeconds})` });
    }
    return problems;
  },
  sanctionedCountriesNeverAllowed: (env) => {
    const sanctioned = new Set(env.edge.countries.sanctioned);
    return (['allowed', 'testRegions'] as const).flatMap((key) =>
      env.edge.countries[key].flatMap((code, index) =>
        sanctioned.has(code)
          ? [{ path: ['edge', 'countries', key, index], input: code, message: 'is in edge.countries.sanctioned; a sanctioned country cannot be allowed' }]
          : [],
      ),
    );
  },
  alarmsReachSomeone: (env) =>
    env.tier === 'production' && env.alarms.subscribers.length === 0
      ? [{ path: ['alarms', 'subscribers'], input: env.alarms.subscribers, message: 'must name at least one subscriber when tier is "production": otherwise alarms reach nobody' }]
      : [],
  distinctHostnames: (env) =>
    env.domains.public === env.domains.apiOrigin
      ? [{ path: ['domains', 'apiOrigin'], input: env.domains.apiOrigin, message: 'is the same as domains.public; the api needs a hostname of its own' }]
      : [],
};

/** "2 h", "1 h", "1 s": for messages. */
function humanSeconds(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** The schema with the cross-field rules attached: what the loader parses with. */
export const validatedEnvironmentSchema = environmentSchema.superRefine((env, ctx) => {
  for (const rule of Object.values(crossFieldRules)) {
    for (const problem of rule(env)) {
      ctx.addIssue({ code: 'custom', path: problem.path, input: problem.input, message: problem.message });
    }
  }
});
