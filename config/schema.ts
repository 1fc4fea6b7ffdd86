/**
 * The one schema of an environment file (`config/environments/<name>.json`): its shape and the
 * checks of single fields.
 *
 * It validates the files at synth, is the TypeScript type of the configuration, and is exported as
 * JSON Schema (`config/environment.schema.json`, written by `npm run schema`) for editors.
 * Rules that involve several fields live in `config/rules/<area>.ts`, checked together.
 *
 * Over 300 lines on purpose: it is one declaration that mirrors the file's shape, every field with
 * its check and description; split up, the shape of the file could no longer be read in one place.
 */
import { z } from 'zod';
import { OWASP_SCORE_THRESHOLDS, RATE_LIMIT_PERIODS, RATE_LIMIT_TIMEOUTS, RULESET_PHASES } from '../constructs/edge/cloudflare';
import {
  CLOUDFLARE_SPECIAL_COUNTRIES,
  DEFAULT_SANCTIONED_COUNTRIES,
  DEFAULT_SANCTIONED_REGIONS,
  ISO_COUNTRY_CODES,
  SUBDIVISION_CODE,
} from './countries';
import {
  CLOUDFLARE_PLANS,
  COMPUTE_ENGINES,
  ENVIRONMENT_TIERS,
  LOG_RETENTION_DAYS,
  RATE_LIMIT_ACTIONS,
  RATE_LIMIT_CONTENT_TYPES,
  RATE_LIMIT_HOSTS,
} from './names';
import { VPC_CIDR_EXPECTED, VPC_CIDR_PATTERN } from '../constructs/network';
import { BACKUP_WINDOW_PATTERN, MAINTENANCE_WINDOW_PATTERN } from '../constructs/rds-windows';

export { SERVICE_NAMES, type ServiceName } from './names';

/** A closed object whose unknown-key error names the keys that are allowed. */
export function closed<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; allowed keys: ${allowed}` : undefined),
  });
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: 'expected a lower-case DNS name such as "staging.getdrop.no"',
});

const logRetention = z.literal(LOG_RETENTION_DAYS);

const subdivisionCode = z.string().refine((code) => SUBDIVISION_CODE.test(code) && ISO_COUNTRY_CODES.has(code.slice(0, 2)), {
  error: 'expected an upper-case ISO 3166-2 subdivision code such as "UA-43" (country code, hyphen, region)',
});

const rulesetId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected a Cloudflare ruleset id: 32 lower-case hex digits' });

/**
 * An entry-point ruleset the zone already has. Its name is kept: in cloudflare/cloudflare v5.14 a
 * ruleset's `name` is RequiresReplace (internal/services/ruleset/schema.go), so importing it under
 * another name would plan destroy and create, a window with no rules of that phase.
 */
const existingRuleset = closed({
  id: rulesetId.describe('The ruleset id (GET /zones/{zone_id}/rulesets).'),
  name: z.string().min(1).describe('Its name exactly as Cloudflare reports it; the plan refuses a name Cloudflare does not report.'),
});

const countryCode = z
  .string()
  .refine((code) => ISO_COUNTRY_CODES.has(code) || (CLOUDFLARE_SPECIAL_COUNTRIES as readonly string[]).includes(code), {
    error: 'expected an upper-case ISO 3166-1 alpha-2 country code such as "NO" (or Cloudflare\'s "T1" for Tor, "XX" for unknown)',
  });

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+:[0-9a-fA-F:]*(\/\d{1,3})?)$/;

/** One of `values` (seconds): those both of Cloudflare's rate limiting pages list (constructs/edge/cloudflare.ts). */
const bothPagesList = (values: readonly number[]) =>
  z.union(
    values.map((n) => z.literal(n)),
    {
      error: `expected one of ${values.join(', ')} seconds (values the availability table and the parameters page of Cloudflare's rate limiting docs both list)`,
    },
  );

/** One rate limit: everything about it in one record, one rule of the zone's http_ratelimit phase. */
const rateLimit = closed({
  paths: z
    .array(z.string().regex(/^\/([A-Za-z0-9._~-]+\/)+$/, { error: 'expected a path prefix ending in "/" such as "/v1/payments/"' }))
    .min(1, { error: 'expected at least one path prefix' })
    .describe('Path prefixes the limit counts: "/v1/auth/" counts /v1/auth and everything below it.'),
  hosts: z
    .array(z.enum(RATE_LIMIT_HOSTS))
    .min(1)
    .optional()
    .describe(
      'Which hostnames of every environment of the zone the limit covers: "public" (domains.public) and/or "api" (domains.apiOrigin). ' +
        '@default - every hostname of the zone (no host condition)',
    ),
  action: z
    .enum(RATE_LIMIT_ACTIONS)
    .describe('"block" (answered with `response`) or "managed_challenge" (below Enterprise: mitigationTimeoutSeconds 0).'),
  response: closed({
    statusCode: int(400, 499).default(429).describe('@default 429'),
    contentType: z.enum(RATE_LIMIT_CONTENT_TYPES).default('application/json').describe('@default application/json'),
    content: z
      .string()
      .min(1)
      .max(30720)
      .optional()
      .describe('The body, at most 30 KB. @default - a JSON error {"error":"rate_limited",...}'),
  })
    .optional()
    .describe('What a blocked request gets (block only). @default - 429 with a JSON error body'),
  requestsPerPeriod: int(1, 1000000).describe('Requests per client IP (and data centre) allowed in one period before the action triggers.'),
  periodSeconds: bothPagesList(RATE_LIMIT_PERIODS).describe(
    "Counting period: a value both Cloudflare pages list (10, 60, 120, 300, 600, 3600); which of them the zone's plan allows is checked with the plan.",
  ),
  mitigationTimeoutSeconds: bothPagesList(RATE_LIMIT_TIMEOUTS).describe(
    'How long the action lasts once triggered (0, 10, 60, 120, 300, 600, 3600, 86400): challenges below Enterprise use 0 (throttling), a block below Enterprise needs a duration.',
  ),
});

/**
 * The rate limits of docs/requirements.md (Rate limits): `edge.rateLimits` when a file has none.
 * The auth limit blocks with a JSON 429 instead of the document's challenge (API clients cannot
 * solve one), and covers the web's sign-in routes too (Pro holds two rules in the zone).
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, z.output<typeof rateLimit>>> = {
  auth: {
    paths: ['/v1/auth/', '/api/auth/'],
    action: 'block',
    requestsPerPeriod: 20,
    periodSeconds: 10,
    mitigationTimeoutSeconds: 10,
  },
  transactions: { paths: ['/v1/transactions/'], action: 'block', requestsPerPeriod: 30, periodSeconds: 10, mitigationTimeoutSeconds: 10 },
};

const backend = z.discriminatedUnion('type', [
  closed({
    type: z.literal('local').describe('State files at the project root, one per environment and stack.'),
  }),
  closed({
    type: z.literal('s3').describe('State in an S3 bucket (encrypted), one key per environment and stack.'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'expected an S3 bucket name' })
      .describe('The state bucket.'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' })
      .describe('The region of the state bucket.'),
    dynamodbTable: z.string().min(3).optional().describe('Lock table. @default - S3 native locking (use_lockfile)'),
  }),
  closed({
    type: z.literal('cloud').describe('Terraform Cloud (or Enterprise): one workspace per environment and stack.'),
    organization: z.string().min(1).describe('The Terraform Cloud organization.'),
    hostname: hostname.default('app.terraform.io').describe('The Terraform Cloud host. @default app.terraform.io'),
    project: z.string().min(1).optional().describe('Terraform Cloud project of the workspaces.'),
  }),
]);

const healthCheck = closed({
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9/._-]*$/, { error: 'expected an absolute path such as "/v1/health"' })
    .describe('The path the engine GETs; the service answers it without the origin verification header.'),
  intervalSeconds: int(1, 20).describe('Seconds between checks.'),
  timeoutSeconds: int(1, 20).describe('Seconds a check may take; at most intervalSeconds.'),
  healthyThreshold: int(1, 20).describe('Consecutive passes before an instance counts as healthy.'),
  unhealthyThreshold: int(1, 20).describe('Consecutive failures before an instance counts as unhealthy and is replaced.'),
});

const service = closed({
  port: int(1, 65535).describe('The port the container listens on (PORT).'),
  cpu: z.number().positive().describe('vCPU per instance, e.g. 1'),
  memoryGb: z.number().positive().describe('Memory per instance in GB, e.g. 2'),
  minInstances: int(1, 25).describe('Instances always running.'),
  maxInstances: int(1, 25).describe('Most instances scaling may start; at least minInstances.'),
  concurrency: int(1, 1000).describe(
    'Concurrency target per instance; App Runner scales out above 80 % of it (its max_concurrency is 40 for 50, 80 for 100: App Runner ' +
      'adds instances only above max_concurrency). ECS Express scales on CPU instead.',
  ),
  healthCheck: healthCheck.describe('How the engine checks an instance.'),
});

export const environmentSchema = closed({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors: "../environment.schema.json".'),
  name: z
    .string()
    // The naming code's rule for a name part (constructs/naming.ts): no leading, trailing or double "-".
    .regex(/^(?=.{2,31}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
      error: 'expected 2 to 31 lower-case letters and digits, joined by single "-" (such as "production-stockholm")',
    })
    .describe('The environment name, the same as the file name (DROP_ENV); part of every resource name.'),
  tier: z.enum(ENVIRONMENT_TIERS).describe('production turns on the production-only rules.'),
  project: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,15}$/, { error: 'expected lower-case letters and digits' })
    .describe('The project name, the first part of every resource name ("drop").'),
  aws: closed({
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: 'expected an AWS region such as "eu-west-1"' })
      .describe('The region of every stack (data and compute must share it: the VPC connector cannot cross regions).'),
    accountId: z
      .string()
      .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id such as "123456789012"' })
      .describe(
        'The AWS account of this environment. The provider refuses any other (unless allowedAccountIds says otherwise), and one account holds one GitHub OIDC provider.',
      ),
    allowedAccountIds: z
      .array(z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }))
      .optional()
      .describe('The provider refuses to plan against any other account. @default - [accountId]'),
  }).describe('The AWS account and region of the environment.'),
  backend: backend
    .default({ type: 'local' })
    .describe('Where Terraform state lives. @default - local files at the project root (no credentials needed)'),
  ci: closed({
    githubEnvironment: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/, { error: 'expected a GitHub environment name (letters, digits, ".", "_", "-")' })
      .describe(
        "The GitHub environment of this environment's deploy jobs: the bootstrap stack creates it (deploy branch only, with the reviewers below) " +
          'with its Terraform Cloud token, and only its jobs may assume the release role.',
      ),
    reviewers: closed({
      teams: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'expected a GitHub team slug such as "platform-leads"' }))
        .default([])
        .describe('Slugs of the teams (of the repository owner) whose members may approve a deploy. @default - none'),
      users: z
        .array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'expected a GitHub user name' }))
        .default([])
        .describe('User names who may approve a deploy. @default - none'),
    })
      .default({ teams: [], users: [] })
      .describe(
        'Who approves a deploy to this environment (GitHub required reviewers, at most 6 in all). The production tier needs at least one; ' +
          'the others none, since the jobs that roll them back must never wait. Required reviewers work on public repositories, ' +
          'or on private ones with GitHub Enterprise. @default - none',
      ),
  }).describe('The GitHub environment of the delivery pipeline; the repository and branch are in config/control.json.'),
  alarms: closed({
    subscribers: z
      .array(
        z.discriminatedUnion(
          'protocol',
          [
            closed({
              protocol: z.literal('email').describe('An email address (confirmed once from the email SNS sends).'),
              endpoint: z.email({ error: 'expected an email address such as "oncall@getdrop.no"' }).describe('The address.'),
            }),
            closed({
              protocol: z.literal('https').describe("An https webhook, e.g. an incident tool's SNS integration."),
              endpoint: z
                .url({ protocol: /^https$/, error: "expected an https:// URL (an incident tool's SNS webhook)" })
                .describe('The URL.'),
            }),
          ],
          { error: 'expected a subscriber with protocol "email" or "https"' },
        ),
      )
      .describe(
        'Who the alarm topic notifies: {"protocol": "email" | "https", "endpoint": ...}. Production needs at least one; email subscriptions must be confirmed once.',
      ),
  }).describe('Where the alarms of every stack go.'),
  registry: closed({
    keepReleases: int(2, 1000).describe('Images kept per repository; 2 or more so rollback has a previous image.'),
    untaggedExpiryDays: int(1, 365).describe('Untagged images (failed pushes, superseded manifests) expire after this many days.'),
  }).describe('The ECR repositories of the service images.'),
  network: closed({
    cidr: z
      .string()
      .regex(VPC_CIDR_PATTERN, { error: VPC_CIDR_EXPECTED })
      .describe('The VPC block, a /16; the subnets are carved from it.'),
    availabilityZones: int(2, 3).describe('Private (and public) subnets are spread over this many zones.'),
    natGateways: int(1, 3).describe('1 saves cost; one per availability zone survives a zone outage.'),
    flowLogRetentionDays: logRetention.describe('Days the VPC flow logs are kept.'),
  }).describe("The VPC the database and the services' egress live in."),
  database: closed({
    engineVersion: z.literal('16').describe('The PostgreSQL major version.'),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class such as "db.t3.micro"' })
      .describe('An RDS instance class that runs PostgreSQL 16, e.g. "db.t3.micro".'),
    allocatedStorageGb: int(20, 65536).describe('Storage allocated at creation, in GB.'),
    maxAllocatedStorageGb: int(20, 65536).optional().describe('@default - no storage autoscaling'),
    multiAz: z.boolean().describe('A standby in a second availability zone (production must).'),
    backupRetentionDays: z
      .number()
      .int()
      .min(1, { error: 'expected 1 to 35 days (0 would turn off backups and point-in-time recovery)' })
      .max(35, { error: 'expected 1 to 35 days (the RDS maximum)' })
      .describe('Days of automated backups (and of point-in-time recovery).'),
    backupWindow: z
      .string()
      .regex(BACKUP_WINDOW_PATTERN, { error: 'expected "hh24:mi-hh24:mi" in UTC, e.g. "01:00-01:30"' })
      .describe('The daily backup window in UTC, at least 30 minutes, outside the maintenance window.'),
    maintenanceWindow: z
      .string()
      .regex(MAINTENANCE_WINDOW_PATTERN, { error: 'expected "ddd:hh24:mi-ddd:hh24:mi" in UTC, e.g. "sun:03:00-sun:04:00"' })
      .describe('The weekly maintenance window in UTC, at least 30 minutes.'),
    deletionProtection: z.boolean().describe('RDS refuses to delete the instance (production must).'),
    finalSnapshot: z.boolean().describe('Take a final snapshot when the instance is deleted.'),
    monitoringIntervalSeconds: z.literal([1, 5, 10, 15, 30, 60]).describe('Enhanced monitoring granularity.'),
    performanceInsightsRetentionDays: z.literal([7, 31, 93, 186, 372, 731]).describe('Days of Performance Insights history.'),
    logRetentionDays: logRetention.describe('Retention of the exported PostgreSQL logs.'),
  }).describe('The RDS PostgreSQL instance.'),
  app: closed({
    bankidMock: z.boolean().describe('BANKID_MOCK: sign in without BankID (never in production).'),
    bankidIssuer: z
      .url({
        protocol: /^https$/,
        error: 'expected the https URL of the BankID OpenID Connect issuer, e.g. "https://auth.current.bankid.no/auth/realms/current"',
      })
      .describe(
        "BANKID_ISSUER: the OpenID Connect issuer the api signs in against (found by discovery): BankID's test environment in staging, production BankID in production.",
      ),
    bankidIdClaim: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, { error: 'expected an ID token claim name such as "nnin_altsub"' })
      .default('nnin_altsub')
      .describe('BANKID_ID_CLAIM: the ID token claim holding the national identity number (BankID Norway: nnin_altsub).'),
    seedDemo: z.boolean().describe('SEED_DEMO: load demo data (never in production).'),
    serviceMode: z.enum(['demo', 'mock', 'live']).describe('NEXT_PUBLIC_SERVICE_MODE, baked into the web image at build time.'),
  }).describe('What the services are told about the environment (their environment variables).'),
  compute: closed({
    engine: z
      .enum(COMPUTE_ENGINES)
      .describe(
        '"app-runner" (AWS App Runner; not in every region, closed to new customers since 2026-04-30) or ' +
          '"ecs-express" (Amazon ECS Express Mode on Fargate behind its own load balancer). See the README, "Compute engines".',
      ),
    services: closed({
      web: service.describe('The Next.js web app.'),
      api: service.describe('The Hono api.'),
    }).describe('Size, scaling and health checks of each service.'),
  }).describe('Where and how the two services run.'),
  domains: closed({
    public: hostname.describe('The public hostname of the environment (the web app; /v1/* reaches the api).'),
    apiOrigin: hostname.describe('The hostname of the api service behind the edge (its custom domain).'),
  }).describe('The hostnames of the environment.'),
  edge: closed({
    zone: hostname.describe('The Cloudflare zone, e.g. "getdrop.no".'),
    plan: z.enum(CLOUDFLARE_PLANS).describe('The zone plan; every environment of the zone must say the same.'),
    addons: closed({
      botManagement: z
        .boolean()
        .describe('The Enterprise Bot Management add-on (bot score rules); without it Super Bot Fight Mode stands in.'),
      loadBalancing: z.boolean().describe('The Load Balancing add-on (paid).'),
      advancedRateLimiting: z
        .boolean()
        .default(false)
        .describe(
          'The Enterprise Advanced Rate Limiting add-on: 100 rate limiting rules instead of the 5 an Enterprise contract guarantees. @default false',
        ),
    }).describe('Paid Cloudflare add-ons the zone has.'),
    zoneOwner: z
      .boolean()
      .describe(
        'Exactly one environment of a zone owns the zone-wide settings and the entry-point rulesets ' +
          '(one per phase per zone), with rules scoped by hostname for every environment of the zone; ' +
          'the others own only their own DNS records, health checks and /v1 routing. ' +
          "The Cloudflare provider never deletes cloudflare_zone_setting: destroying the owner's edge stack, or moving the owner to " +
          'another environment, leaves SSL/TLS, Always Use HTTPS and HSTS as they are (see the README, "Zone settings outlive the stack").',
      ),
    bots: closed({
      robotsTxtManaged: z
        .boolean()
        .describe(
          "Cloudflare's managed robots.txt (is_robots_txt_managed), prepended to the web app's own. The provider sends its default (false) " +
            'on every apply unless set, overwriting the dashboard, so it is set here, explicitly (zone-wide).',
        ),
    }).describe(
      'Bot management settings of the zone (zone owner; zone-wide). The plan decides Super Bot Fight Mode or the bot score; the settings not named here are left as the dashboard has them.',
    ),
    waf: closed({
      paranoiaLevel: int(1, 4).describe('OWASP Core Ruleset paranoia level: rules of higher levels are disabled.'),
      scoreThreshold: z
        .union(
          OWASP_SCORE_THRESHOLDS.map((n) => z.literal(n)),
          { error: 'expected 25 (high), 40 (medium) or 60 (low sensitivity)' },
        )
        .describe('OWASP anomaly score at or above which a request is blocked: 25 high, 40 medium, 60 low sensitivity.'),
    }).describe('The managed WAF rulesets (zone owner).'),
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
          .default([])
          .describe('Client addresses or CIDR ranges that pass. @default - none'),
        asns: z.array(int(1, 4294967295)).default([]).describe('Client autonomous system numbers that pass. @default - none'),
      })
        .default({ ipRanges: [], asns: [] })
        .describe('Verified partners and monitors that pass the country allow list (never the sanctions).'),
    }).describe('Who may reach the environment, by the country (and region) of the client IP.'),
    rateLimits: z
      .record(
        z.string().regex(/^[a-z][A-Za-z0-9]{0,31}$/, { error: 'expected a rate limit name in camelCase such as "payments"' }),
        rateLimit,
      )
      .default(() => structuredClone(DEFAULT_RATE_LIMITS))
      .describe(
        'The rate limits by name, one rule each in this order (zone owner; zone-wide: the zone plan counts them). ' +
          "A new limit is one entry here and its line in docs/requirements.md. @default - the spec's: auth and transactions",
      ),
    cache: closed({
      publicAssets: z
        .array(z.string().regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'expected a path or path prefix such as "/images/"' }))
        .describe('Paths of the web app public/ folder, served at the site root: a trailing "/" is a prefix, else an exact file.'),
      publicAssetTtlSeconds: int(1, 31536000).describe(
        "Edge cache TTL of the public assets; at least the zone plan's minimum edge cache TTL (free 2 h, pro 1 h, business and enterprise 1 s).",
      ),
    }).describe('What Cloudflare caches at the edge.'),
    originHealth: closed({
      intervalSeconds: int(10, 3600).describe(
        "Seconds between checks; at least the zone plan's minimum (pro 60, business 15, enterprise 10).",
      ),
      timeoutSeconds: int(1, 60).describe('Seconds a check may take; shorter than intervalSeconds.'),
      retries: int(0, 5).describe('Retries before a check counts as failed.'),
    }).describe('Cloudflare health checks of the two origins.'),
    existingRulesets: closed(
      Object.fromEntries(
        RULESET_PHASES.map((phase) => [
          phase,
          existingRuleset.optional().describe(`The zone's existing ${phase} entry-point ruleset: its id and its name.`),
        ]),
      ) as Record<(typeof RULESET_PHASES)[number], z.ZodOptional<typeof existingRuleset>>,
    )
      .default({})
      .describe(
        'Zone owner only: entry-point rulesets the zone already has (made in the dashboard or by another tool), by phase, ' +
          'imported on the next apply instead of created (a second POST is refused: "A similar configuration with rules already exists"). ' +
          "The stack keeps the recorded name (the provider replaces a ruleset whose name changes) and replaces its rules with the stack's: " +
          'review the plan. `npm run edge:existing -- --zone <zone>` prints these lines. @default - none',
      ),
  }).describe('The Cloudflare zone in front of the environment.'),
});

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
