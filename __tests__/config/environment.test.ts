import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, checkZone, knownEnvironments, loadEnvironment, loadEnvironments, loadZone } from '../../config';
import { JSON_SCHEMA_FILE, environmentJsonSchema } from '../../config/json-schema';
import { DEFAULT_RATE_LIMITS } from '../../config/schema';
import { configErrorOf, environment, merge, rawEnvironment } from '../helpers';

/** configErrorOf's override: a partial environment file merged over a shipped one. */
type Override = Parameters<typeof configErrorOf>[1];

/** A table row of a refused input: test name, environment, override, and the message(s) the error must contain (at least one). */
type Refusal = [name: string, env: Parameters<typeof configErrorOf>[0], override: Override, expected: string, ...more: string[]];

/** The test of a Refusal row: the override is refused with a message that contains each of the row's messages. */
function expectRefused(...[, env, override, ...messages]: Refusal): void {
  const message = configErrorOf(env, override);
  for (const expected of messages) expect(message).toContain(expected);
}

describe('shipped environment files', () => {
  it('are staging, production and the ECS Express example production-stockholm', () => {
    expect(knownEnvironments()).toEqual(['production', 'production-stockholm', 'staging']);
  });

  it.each(['staging', 'production', 'production-stockholm'])('%s validates and points at the committed JSON Schema', (name) => {
    expect(loadEnvironment(name).name).toBe(name);
    expect(rawEnvironment(name).$schema).toBe('../environment.schema.json');
  });

  it('hold the required values for staging (docs/requirements.md)', () => {
    const env = loadEnvironment('staging');
    expect(env.aws.region).toBe('eu-west-1');
    expect(env.database).toMatchObject({
      instanceClass: 'db.t3.micro',
      allocatedStorageGb: 20,
      multiAz: false,
      backupRetentionDays: 7,
      maintenanceWindow: 'sun:03:00-sun:04:00',
    });
    expect(env.database.maxAllocatedStorageGb).toBeUndefined();
    expect(env.domains).toEqual({ public: 'staging.getdrop.no', apiOrigin: 'staging-api.getdrop.no' });
    expect(env.backend).toEqual({ type: 'cloud', organization: 'getdrop', hostname: 'app.terraform.io', project: 'drop-platform' });
  });

  it('hold the required values for production (docs/requirements.md)', () => {
    const env = loadEnvironment('production');
    expect(env.database).toMatchObject({
      instanceClass: 'db.t3.medium',
      allocatedStorageGb: 100,
      maxAllocatedStorageGb: 500,
      multiAz: true,
      backupRetentionDays: 30,
      maintenanceWindow: 'sun:03:00-sun:04:00',
      deletionProtection: true,
    });
    expect(env.domains).toEqual({ public: 'getdrop.no', apiOrigin: 'api.getdrop.no' });
  });

  it.each(['staging', 'production'])('%s sizes and scales the services as docs/requirements.md (Scaling) says', (name) => {
    const { web, api } = loadEnvironment(name).compute.services;
    expect(web).toMatchObject({ port: 3000, cpu: 1, memoryGb: 2, minInstances: 1, maxInstances: 5, concurrency: 50 });
    expect(api).toMatchObject({ port: 3001, cpu: 1, memoryGb: 2, minInstances: 1, maxInstances: 10, concurrency: 100 });
    for (const service of [web, api]) {
      expect(service.healthCheck).toMatchObject({ intervalSeconds: 10, timeoutSeconds: 5, unhealthyThreshold: 3 });
    }
    expect(api.healthCheck.path).toBe('/v1/health');
  });
});

describe('the JSON Schema', () => {
  it('is up to date with the zod schema (run `npm run schema` when this fails)', () => {
    expect(fs.readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(environmentJsonSchema());
  });

  it('describes every field, so an editor explains each one', () => {
    // GIVEN the committed schema, walked through objects, arrays and the variants of unions
    const undescribed: string[] = [];
    const walk = (node: any, at: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const variants of [node.anyOf, node.oneOf, node.allOf]) (variants ?? []).forEach((variant: any) => walk(variant, at));
      for (const [key, field] of Object.entries<any>(node.properties ?? {})) {
        const path = at ? `${at}.${key}` : key;
        if (typeof field.description !== 'string' || field.description.length < 5) undescribed.push(path);
        walk(field, path);
      }
      if (node.items) walk(node.items, `${at}[]`);
    };
    walk(JSON.parse(fs.readFileSync(JSON_SCHEMA_FILE, 'utf8')), '');
    // THEN none lacks a description
    expect([...new Set(undescribed)]).toEqual([]);
  });
});

describe('loading by name', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function directoryWith(files: Record<string, string>): string {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-config-'));
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
  }

  it('refuses an unknown environment and lists the known ones', () => {
    expect(() => loadEnvironment('nope')).toThrow(ConfigError);
    expect(() => loadEnvironment('nope')).toThrow(
      'Unknown environment "nope" (DROP_ENV). Known environments: production, production-stockholm, staging.',
    );
  });

  it('refuses a name that only looks like a file path', () => {
    expect(() => loadEnvironment('../environments/staging')).toThrow('Unknown environment "../environments/staging"');
  });

  it('refuses a file that is not JSON, naming the file', () => {
    const configDir = directoryWith({ 'broken.json': '{ "name": "broken", ' });
    expect(() => loadEnvironment('broken', configDir)).toThrow(/Invalid environment file .*broken\.json: not valid JSON/);
  });

  it('refuses a file whose name field differs from its file name', () => {
    const text = JSON.stringify({ ...rawEnvironment('staging'), name: 'qa' });
    const configDir = directoryWith({ 'staging2.json': text });
    expect(() => loadEnvironment('staging2', configDir)).toThrow('name: must match the file name "staging2" (found: "qa")');
  });
});

describe('validation rules', () => {
  // GIVEN a shipped environment with one override that breaks a general rule (a missing, unknown or out-of-range value,
  // a cross-field conflict, a hostname outside the zone), WHEN it is validated, THEN it is refused with every expected message.
  it.each<Refusal>([
    [
      'reports a missing value by its path',
      'staging',
      { aws: { region: undefined } },
      'aws.region: Invalid input: expected string, received undefined (found: nothing)',
    ],
    [
      'reports an unknown key and the keys allowed there',
      'staging',
      { database: { multiAZ: true } },
      'database.multiAZ: unknown key; allowed keys: engineVersion, instanceClass',
    ],
    [
      'reports a value outside an enum with the allowed values',
      'staging',
      { edge: { plan: 'premium' } },
      'edge.plan: Invalid option: expected one of "free"|"pro"|"business"|"enterprise" (found: "premium")',
    ],
    [
      'reports an unsupported backend type with the allowed ones',
      'staging',
      { backend: { type: 'gcs', organization: undefined, project: undefined } },
      `backend.type: Invalid discriminator value. Expected 'local' | 's3' | 'cloud' (found: {"type":"gcs"})`,
    ],
    [
      'refuses backup retention 0',
      'production',
      { database: { backupRetentionDays: 0 } },
      'database.backupRetentionDays: expected 1 to 35 days (0 would turn off backups and point-in-time recovery) (found: 0)',
    ],
    [
      'refuses backup retention above 35',
      'staging',
      { database: { backupRetentionDays: 36 } },
      'database.backupRetentionDays: expected 1 to 35 days (the RDS maximum) (found: 36)',
    ],
    [
      'refuses a malformed backup window',
      'staging',
      { database: { backupWindow: '1:00-1:30' } },
      'database.backupWindow: expected "hh24:mi-hh24:mi" in UTC, e.g. "01:00-01:30" (found: "1:00-1:30")',
    ],
    [
      'refuses a malformed maintenance window',
      'staging',
      { database: { maintenanceWindow: 'sunday 03:00' } },
      'database.maintenanceWindow: expected "ddd:hh24:mi-ddd:hh24:mi" in UTC',
    ],
    [
      'fails when max instances is below min',
      'staging',
      { compute: { services: { api: { minInstances: 3, maxInstances: 2 } } } },
      'compute.services.api.maxInstances: is below minInstances (3); expected maxInstances >= minInstances (found: 2)',
    ],
    [
      'fails when a health check times out after its interval',
      'staging',
      { compute: { services: { web: { healthCheck: { timeoutSeconds: 15 } } } } },
      'compute.services.web.healthCheck.timeoutSeconds: is longer than intervalSeconds (10); expected timeoutSeconds <= intervalSeconds (found: 15)',
    ],
    [
      'fails when Multi-AZ is off in production',
      'production',
      { database: { multiAz: false } },
      'database.multiAz: must be true when tier is "production" (failover for the live database) (found: false)',
    ],
    [
      'fails when deletion protection is off in production',
      'production',
      { database: { deletionProtection: false } },
      'database.deletionProtection: must be true when tier is "production" (found: false)',
    ],
    [
      'fails when the storage autoscaling limit is not above the allocated storage',
      'production',
      { database: { maxAllocatedStorageGb: 100 } },
      'database.maxAllocatedStorageGb: must be above allocatedStorageGb (100) to autoscale; omit it to turn autoscaling off (found: 100)',
    ],
    [
      'fails when the backup window overlaps the maintenance window',
      'staging',
      { database: { backupWindow: '03:30-04:30' } },
      'database.backupWindow: overlaps maintenanceWindow "sun:03:00-sun:04:00" (on sun); expected a daily window outside it (found: "03:30-04:30")',
    ],
    [
      'fails when a backup window across midnight overlaps a maintenance window after midnight',
      'staging',
      {
        database: { backupWindow: '23:30-00:30', maintenanceWindow: 'mon:00:00-mon:01:00' },
      },
      'overlaps maintenanceWindow "mon:00:00-mon:01:00" (on sun)',
    ],
    [
      'fails when the backup window is shorter than 30 minutes',
      'staging',
      { database: { backupWindow: '01:00-01:20' } },
      'database.backupWindow: is shorter than 30 minutes, the RDS minimum (found: "01:00-01:20")',
    ],
    [
      'fails when the maintenance window is shorter than 30 minutes',
      'staging',
      { database: { maintenanceWindow: 'sun:03:00-sun:03:15' } },
      'database.maintenanceWindow: is shorter than 30 minutes, the RDS minimum (found: "sun:03:00-sun:03:15")',
    ],
    [
      'fails when a hostname is outside the Cloudflare zone',
      'staging',
      { domains: { public: 'staging.getdrop.se' } },
      'domains.public: is not in zone "getdrop.no"; expected "getdrop.no" or a name ending in ".getdrop.no" (found: "staging.getdrop.se")',
    ],
    [
      'fails when a hostname is deeper than Universal SSL covers',
      'staging',
      { domains: { apiOrigin: 'api.staging.getdrop.no' } },
      'domains.apiOrigin: is more than one level below "getdrop.no", which the zone\'s Universal SSL certificate does not cover; expected a name such as "staging-api.getdrop.no" (found: "api.staging.getdrop.no")',
    ],
    [
      'fails when the api shares the public hostname',
      'staging',
      { domains: { apiOrigin: 'staging.getdrop.no' } },
      'domains.apiOrigin: is the same as domains.public; the api needs a hostname of its own (found: "staging.getdrop.no")',
    ],
    [
      'refuses an environment name the naming code would refuse later (a trailing "-")',
      'staging',
      { name: 'staging-' },
      'name: expected 2 to 31 lower-case letters and digits, joined by single "-" (such as "production-stockholm") (found: "staging-")',
    ],
    [
      'refuses a GitHub environment name GitHub does not accept',
      'staging',
      { ci: { githubEnvironment: 'staging eu' } },
      'ci.githubEnvironment: expected a GitHub environment name (letters, digits, ".", "_", "-") (found: "staging eu")',
    ],
    [
      'refuses production without anyone to approve its deploys',
      'production',
      { ci: { reviewers: { teams: [] } } },
      'ci.reviewers: must name at least one team or user when tier is "production": a deploy to production waits for their approval (found: {"teams":[],"users":[]})',
    ],
    [
      'refuses reviewers below the production tier, whose rollback job must never wait',
      'staging',
      { ci: { reviewers: { users: ['octocat'] } } },
      'ci.reviewers: must be empty when tier is "staging": the pipeline rolls this environment back in a job of its GitHub environment, which must never wait for an approval (found: {"teams":[],"users":["octocat"]})',
    ],
    [
      'refuses more reviewers than GitHub allows',
      'production',
      { ci: { reviewers: { teams: ['a', 'b', 'c', 'd'], users: ['e', 'f', 'g'] } } },
      'ci.reviewers: names 7 teams and users; GitHub allows at most 6 required reviewers per environment (found: {"teams":["a","b","c","d"],"users":["e","f","g"]})',
    ],
    [
      'refuses keeping fewer than 2 images, which would leave nothing to roll back to',
      'staging',
      { registry: { keepReleases: 1 } },
      'registry.keepReleases: Too small: expected number to be >=2 (found: 1)',
    ],
  ])('%s', expectRefused);

  it('allows a single-AZ database outside production', () => {
    expect(environment('staging', { database: { multiAz: false } }).database.multiAz).toBe(false);
  });

  it('lists every problem of a file in one error', () => {
    const message = configErrorOf('production', {
      database: { multiAz: false, backupWindow: '03:00-03:30' },
      compute: { services: { web: { minInstances: 4, maxInstances: 2 } } },
    });
    expect(message).toMatch(/^Invalid environment file production\.json \(3 problems\):\n/);
    expect(message).toContain('  - database.multiAz:');
    expect(message).toContain('  - database.backupWindow: overlaps');
    expect(message).toContain('  - compute.services.web.maxInstances:');
  });
});

describe('defaults', () => {
  it('keeps state in local files when a file names no backend', () => {
    expect(environment('staging', { backend: undefined }).backend).toEqual({ type: 'local' });
  });
});

describe('data rules', () => {
  // GIVEN a shipped environment with a database or network override the platform cannot run (instance class, snapshots,
  // NAT gateways, monitoring, VPC block), WHEN it is validated, THEN it is refused with every expected message.
  it.each<Refusal>([
    [
      'fails when production would delete the database without a final snapshot',
      'production',
      { database: { finalSnapshot: false } },
      'database.finalSnapshot: must be true when tier is "production" (found: false)',
    ],
    [
      'refuses an instance class of a family that cannot run PostgreSQL 16',
      'production',
      { database: { instanceClass: 'db.t2.medium' } },
      'database.instanceClass: cannot run PostgreSQL 16 (db.t2 is a previous-generation family), single- or Multi-AZ; expected a class of db.t3, db.t4g, db.m5,',
      '(found: "db.t2.medium")',
    ],
    [
      'refuses an instance class that does not exist',
      'staging',
      { database: { instanceClass: 'db.q9.large' } },
      'database.instanceClass: is not a known RDS for PostgreSQL 16 instance class; expected a class of db.t3, db.t4g',
    ],
    [
      'refuses a size the family does not have',
      'production',
      { database: { instanceClass: 'db.r6g.micro' } },
      'database.instanceClass: has no size "micro" in db.r6g; expected one of large, xlarge, 2xlarge, 4xlarge, 8xlarge (found: "db.r6g.micro")',
    ],
    [
      'fails when there are more NAT gateways than availability zones',
      'staging',
      { network: { natGateways: 3 } },
      'network.natGateways: is more than availabilityZones (2); expected 1 to 2 (found: 3)',
    ],
    [
      'fails when production shares NAT gateways between zones',
      'production',
      { network: { natGateways: 1 } },
      'network.natGateways: must equal availabilityZones (3) when tier is "production", so egress survives a zone outage (found: 1)',
    ],
    [
      'refuses an enhanced monitoring interval RDS does not offer',
      'staging',
      { database: { monitoringIntervalSeconds: 0 } },
      'database.monitoringIntervalSeconds: Invalid option: expected one of 1|5|10|15|30|60 (found: 0)',
    ],
    [
      'refuses a VPC block that is not a /16',
      'staging',
      { network: { cidr: '10.20.0.0/24' } },
      'network.cidr: expected a /16 IPv4 block such as "10.20.0.0/16" (found: "10.20.0.0/24")',
    ],
  ])('%s', expectRefused);

  it('accepts the production upgrade path up to db.r6g.large', () => {
    expect(environment('production', { database: { instanceClass: 'db.r6g.large' } }).database.instanceClass).toBe('db.r6g.large');
  });

  it('allows one shared NAT gateway outside production', () => {
    expect(environment('staging').network.natGateways).toBe(1);
  });

  it('refuses a log retention CloudWatch does not offer', () => {
    const message = configErrorOf('staging', { network: { flowLogRetentionDays: 45 } });
    expect(message).toMatch(/network\.flowLogRetentionDays: Invalid option: expected one of 1\|3\|5\|7\|14\|30\|60\|90.* \(found: 45\)/);
  });
});

describe('edge validation rules', () => {
  it('hold the required values for the edge in both environments (docs/requirements.md, Edge)', () => {
    for (const name of ['staging', 'production']) {
      const edge = loadEnvironment(name).edge;
      // The records of docs/requirements.md (Rate limits): the table is checked against the files below.
      expect(edge.rateLimits).toEqual(DEFAULT_RATE_LIMITS);
      expect(Object.keys(edge.rateLimits)).toEqual(['auth', 'transactions']);
      expect(edge.originHealth).toEqual({ intervalSeconds: 60, timeoutSeconds: 10, retries: 2 });
      expect(edge.countries.allowed).toEqual(['NO', 'SE', 'DK', 'FI']);
      expect(edge.countries.sanctioned).toEqual(['CU', 'IR', 'KP']);
    }
    expect(loadEnvironment('production').edge.zoneOwner).toBe(true);
    expect(loadEnvironment('staging').edge.zoneOwner).toBe(false);
  });

  it('lists every rate limit of the shipped files in docs/requirements.md (Rate limits), one row per record', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'requirements.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Rate limits'));
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    for (const name of knownEnvironments()) {
      const limits = loadEnvironment(name).edge.rateLimits;
      expect(rows).toEqual(
        Object.entries(limits).map(([key, limit]) => [
          `\`${key}\``,
          limit.paths.map((prefix) => `\`${prefix}*\``).join(', '),
          `${limit.requestsPerPeriod} requests per ${limit.periodSeconds} s`,
          limit.action === 'block' ? 'block' : 'challenge',
        ]),
      );
    }
  });

  it('defaults the sanctioned countries to the current OFAC/UN comprehensive sanctions', () => {
    const env = environment('staging', { edge: { countries: { sanctioned: undefined } } });
    expect(env.edge.countries.sanctioned).toEqual(['CU', 'IR', 'KP']);
  });

  // GIVEN a shipped environment with an edge override Cloudflare or the plan does not allow (countries, rate limits,
  // timeouts, WAF, origin health, cache paths), WHEN it is validated, THEN it is refused with every expected message.
  it.each<Refusal>([
    [
      'refuses an unknown country code',
      'staging',
      { edge: { countries: { allowed: ['NO', 'XY'] } } },
      'edge.countries.allowed.1: expected an upper-case ISO 3166-1 alpha-2 country code such as "NO" (or Cloudflare\'s "T1" for Tor, "XX" for unknown) (found: "XY")',
    ],
    [
      'refuses a lower-case country code',
      'staging',
      { edge: { countries: { sanctioned: ['kp'] } } },
      'edge.countries.sanctioned.0: expected an upper-case ISO 3166-1 alpha-2 country code',
    ],
    [
      'refuses an empty allow list',
      'staging',
      { edge: { countries: { allowed: [] } } },
      'edge.countries.allowed: expected at least one country; an empty allow list would block every visitor (found: [])',
    ],
    [
      'refuses allowing a sanctioned country',
      'staging',
      { edge: { countries: { testRegions: ['US', 'IR'] } } },
      'edge.countries.testRegions.1: is in edge.countries.sanctioned; a sanctioned country cannot be allowed (found: "IR")',
    ],
    [
      'refuses an exception that is not an IP range',
      'staging',
      { edge: { countries: { exceptions: { ipRanges: ['partner.example'] } } } },
      'edge.countries.exceptions.ipRanges.0: expected an IPv4 or IPv6 address or CIDR range such as "192.0.2.0/24" (found: "partner.example")',
    ],
    [
      'refuses a rate limit period only one of the two Cloudflare pages lists (15 s), naming it',
      'staging',
      { edge: { rateLimits: { auth: { periodSeconds: 15 } } } },
      "edge.rateLimits.auth.periodSeconds: expected one of 10, 60, 120, 300, 600, 3600 seconds (values the availability table and the parameters page of Cloudflare's rate limiting docs both list) (found: 15)",
    ],
    [
      'refuses a rate limit period the plan cannot use, naming the plan needed',
      'staging',
      { edge: { rateLimits: { transactions: { periodSeconds: 600 } } } },
      'edge.rateLimits.transactions.periodSeconds: is not available on the pro plan (allowed: 10, 60 seconds); a 600 s period needs the business plan (found: 600)',
    ],
    [
      'refuses a 1 h counting period on Business, naming Enterprise',
      'staging',
      { edge: { plan: 'business', rateLimits: { auth: { periodSeconds: 3600 } } } },
      'edge.rateLimits.auth.periodSeconds: is not available on the business plan (allowed: 10, 60, 120, 300, 600 seconds); a 3600 s period needs the enterprise plan (found: 3600)',
    ],
    [
      'refuses a mitigation timeout on a challenge below Enterprise',
      'staging',
      { edge: { rateLimits: { auth: { action: 'managed_challenge', mitigationTimeoutSeconds: 60 } } } },
      'edge.rateLimits.auth.mitigationTimeoutSeconds: must be 0 on the pro plan: a challenge action has no mitigation timeout below Enterprise (found: 60)',
    ],
    [
      'refuses a rate limit timeout only one of the two Cloudflare pages lists (45 s), naming it',
      'staging',
      { edge: { rateLimits: { transactions: { mitigationTimeoutSeconds: 45 } } } },
      "edge.rateLimits.transactions.mitigationTimeoutSeconds: expected one of 0, 10, 60, 120, 300, 600, 3600, 86400 seconds (values the availability table and the parameters page of Cloudflare's rate limiting docs both list) (found: 45)",
    ],
    [
      'refuses a block that throttles (timeout 0) below Enterprise',
      'staging',
      { edge: { rateLimits: { transactions: { mitigationTimeoutSeconds: 0 } } } },
      'edge.rateLimits.transactions.mitigationTimeoutSeconds: is throttling, which a block may do on the enterprise plan only; expected one of 10, 60, 120, 300, 600, 3600 seconds on the pro plan (found: 0)',
    ],
    [
      'refuses a rate limit scoped to hostnames on Free, whose rate limiting rules match the path only',
      'production',
      { edge: { plan: 'free', rateLimits: { transactions: undefined, auth: { hosts: ['api'] } } } },
      'edge.rateLimits.auth.hosts: cannot be matched on the free plan: its rate limiting rules match on the path only (hostnames need the pro plan); expected no hosts (found: ["api"])',
    ],
    [
      'refuses a block timeout the plan does not offer',
      'staging',
      { edge: { rateLimits: { transactions: { mitigationTimeoutSeconds: 86400 } } } },
      'edge.rateLimits.transactions.mitigationTimeoutSeconds: is not available on the pro plan; expected one of 10, 60, 120, 300, 600, 3600 seconds; a 86400 s timeout needs the business plan (found: 86400)',
    ],
    [
      'refuses a rate limit path that is not a prefix ending in "/"',
      'staging',
      { edge: { rateLimits: { auth: { paths: ['/v1/auth'] } } } },
      'edge.rateLimits.auth.paths.0: expected a path prefix ending in "/" such as "/v1/payments/" (found: "/v1/auth")',
    ],
    [
      'refuses a rate limit name that is not camelCase',
      'staging',
      {
        edge: {
          rateLimits: {
            'v1-payments': {
              paths: ['/v1/payments/'],
              action: 'block',
              requestsPerPeriod: 10,
              periodSeconds: 10,
              mitigationTimeoutSeconds: 10,
            },
          },
        },
      },
      'edge.rateLimits.v1-payments: expected a rate limit name in camelCase such as "payments"',
    ],
    [
      "refuses a response on a challenge, which shows Cloudflare's challenge page",
      'staging',
      { edge: { rateLimits: { auth: { action: 'managed_challenge', mitigationTimeoutSeconds: 0, response: { statusCode: 429 } } } } },
      'edge.rateLimits.auth.response: is only for the block action; a managed_challenge answers with Cloudflare\'s challenge page (expected no response, or action "block") (found: {"statusCode":429,"contentType":"application/json"})',
    ],
    [
      'refuses an OWASP score threshold Cloudflare does not offer',
      'staging',
      { edge: { waf: { scoreThreshold: 30 } } },
      'edge.waf.scoreThreshold: expected 25 (high), 40 (medium) or 60 (low sensitivity) (found: 30)',
    ],
    [
      'refuses a paranoia level outside 1-4',
      'staging',
      { edge: { waf: { paranoiaLevel: 5 } } },
      'edge.waf.paranoiaLevel: Too big: expected number to be <=4 (found: 5)',
    ],
    [
      'refuses a health check interval below the plan minimum, naming the plan needed',
      'staging',
      { edge: { originHealth: { intervalSeconds: 30, timeoutSeconds: 10 } } },
      "edge.originHealth.intervalSeconds: is below the pro plan's minimum of 60 seconds; 30 s needs the business plan (found: 30)",
    ],
    [
      'refuses a health check timeout not shorter than its interval',
      'staging',
      { edge: { originHealth: { timeoutSeconds: 60 } } },
      'edge.originHealth.timeoutSeconds: must be shorter than intervalSeconds (60) (found: 60)',
    ],
    [
      'refuses a public asset pattern that is not a path',
      'staging',
      { edge: { cache: { publicAssets: ['images/*'] } } },
      'edge.cache.publicAssets.0: expected a path or path prefix such as "/images/" (found: "images/*")',
    ],
  ])('%s', expectRefused);

  it('accepts the values both Cloudflare pages give each plan: Pro 60 s and a 1 h block, Business 10 min and a 1 day block', () => {
    const pro = environment('staging', {
      edge: { rateLimits: { auth: { periodSeconds: 60 }, transactions: { periodSeconds: 60, mitigationTimeoutSeconds: 3600 } } },
    });
    expect(pro.edge.rateLimits.transactions.mitigationTimeoutSeconds).toBe(3600);
    const business = environment('staging', {
      edge: {
        plan: 'business',
        rateLimits: { auth: { periodSeconds: 600 }, transactions: { periodSeconds: 600, mitigationTimeoutSeconds: 86400 } },
      },
    });
    expect(business.edge.rateLimits.transactions.mitigationTimeoutSeconds).toBe(86400);
  });

  it('allows a mitigation timeout on a challenge on Enterprise', () => {
    const env = environment('staging', {
      edge: { plan: 'enterprise', rateLimits: { auth: { action: 'managed_challenge', mitigationTimeoutSeconds: 300 } } },
    });
    expect(env.edge.rateLimits.auth.mitigationTimeoutSeconds).toBe(300);
  });

  it('accepts Business features on Business: a 600 s period and a 15 s health interval', () => {
    const env = environment('staging', {
      edge: {
        plan: 'business',
        rateLimits: { transactions: { periodSeconds: 600 } },
        originHealth: { intervalSeconds: 15, timeoutSeconds: 10 },
      },
    });
    expect(env.edge.plan).toBe('business');
  });
});

describe('the Cloudflare zone of an environment', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function zoneWith(patches: Record<string, Record<string, unknown>>): string {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-zone-'));
    for (const name of ['staging', 'production']) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(merge(rawEnvironment(name), patches[name] ?? {})));
    }
    return dir;
  }

  /** `loadZone` of `name`'s file in `configDir`, among the other files there (as main.ts loads them). */
  function zoneIn(configDir: string, name: string) {
    const config = loadEnvironment(name, configDir);
    return loadZone(config, loadEnvironments(config, configDir));
  }

  it('is staging and production for both, production owning it', () => {
    for (const name of ['staging', 'production']) {
      const zone = loadZone(loadEnvironment(name));
      expect(zone.map((env) => [env.name, env.edge.zoneOwner])).toEqual([
        ['production', true],
        ['staging', false],
      ]);
    }
  });

  it('leaves out environments of other zones', () => {
    const configDir = zoneWith({
      staging: {
        edge: { zone: 'getdrop.se', zoneOwner: true },
        domains: { public: 'staging.getdrop.se', apiOrigin: 'staging-api.getdrop.se' },
      },
    });
    expect(zoneIn(configDir, 'staging').map((env) => env.name)).toEqual(['staging']);
  });

  it('refuses a zone with two owners', () => {
    const configDir = zoneWith({ staging: { edge: { zoneOwner: true } } });
    expect(() => zoneIn(configDir, 'staging')).toThrow(
      'edge.zoneOwner: exactly one environment of the zone must be true (found: production.json, staging.json)',
    );
  });

  it('refuses a zone with no owner', () => {
    const configDir = zoneWith({ production: { edge: { zoneOwner: false } } });
    expect(() => zoneIn(configDir, 'production')).toThrow(
      /^Invalid Cloudflare zone "getdrop.no" \(environments production, staging; 1 problem\):\n {2}- edge.zoneOwner: exactly one environment of the zone must be true \(found: none\)$/,
    );
  });

  it('refuses environments of one zone that disagree on a zone-wide field', () => {
    const configDir = zoneWith({ staging: { edge: { waf: { paranoiaLevel: 3 } } } });
    expect(() => zoneIn(configDir, 'staging')).toThrow(
      'staging.json edge.waf: is zone-wide and must equal the zone owner\'s (production.json: {"paranoiaLevel":2,"scoreThreshold":40}) (found: {"paranoiaLevel":3,"scoreThreshold":40})',
    );
  });

  it('refuses a zone member in another AWS region than the owner', () => {
    const configDir = zoneWith({ staging: { aws: { region: 'eu-central-1' } } });
    expect(() => zoneIn(configDir, 'staging')).toThrow(
      'staging.json aws.region: must equal the zone owner\'s (production.json: "eu-west-1"), where the owner reads this environment\'s contract values (found: "eu-central-1")',
    );
  });

  it('refuses, at load, a zone whose environments need more custom rules than its plan holds, naming the plan that holds them', () => {
    // GIVEN production and six more environments of its zone, three custom rules each on Pro (20 in all)
    const members = Array.from({ length: 6 }, (_, n) =>
      environment('staging', { name: `staging${n}`, domains: { public: `s${n}.getdrop.no`, apiOrigin: `s${n}-api.getdrop.no` } }),
    );
    // WHEN the zone is checked, THEN the 21 rules are refused before any synth
    expect(() => checkZone([environment('production'), ...members])).toThrow(
      'production.json edge.plan: 21 custom rules exceed the pro plan\'s 20; they need the business plan (found: "pro")',
    );
  });

  it('checkZone refuses a lone member, which would leave the zone-wide rules to no one', () => {
    expect(() => checkZone([environment('staging')])).toThrow('exactly one environment of the zone must be true (found: none)');
  });
});

describe('edge hardening (issue 16)', () => {
  // GIVEN a shipped environment with an edge hardening override the plan or the zone role does not allow (add-ons,
  // existing rulesets), WHEN it is validated, THEN it is refused with every expected message.
  it.each<Refusal>([
    [
      'refuses the Advanced Rate Limiting add-on below Enterprise',
      'staging',
      { edge: { addons: { advancedRateLimiting: true } } },
      'edge.addons.advancedRateLimiting: is an Enterprise add-on; the pro plan cannot have it (expected false, or plan "enterprise") (found: true)',
    ],
    [
      'refuses existing rulesets in a zone member, which holds none',
      'staging',
      { edge: { existingRulesets: { http_ratelimit: { id: '0123456789abcdef0123456789abcdef', name: 'default' } } } },
      'edge.existingRulesets: is only for the zone owner (edge.zoneOwner true): only its edge stack holds the entry-point rulesets',
    ],
    [
      'refuses a malformed ruleset id and an unknown phase',
      'production',
      {
        edge: {
          existingRulesets: {
            http_ratelimit: { id: 'abc', name: 'default' },
            http_request_sbfm: { id: '0123456789abcdef0123456789abcdef', name: 'default' },
          },
        },
      },
      'edge.existingRulesets.http_ratelimit.id: expected a Cloudflare ruleset id: 32 lower-case hex digits (found: "abc")',
      'edge.existingRulesets.http_request_sbfm: unknown key; allowed keys: http_request_firewall_managed, http_ratelimit, http_request_firewall_custom, http_request_cache_settings, http_request_late_transform, http_request_origin',
    ],
    [
      'refuses an existing origin rules ruleset below Enterprise, where the stack manages none',
      'production',
      {
        edge: { existingRulesets: { http_request_origin: { id: '0123456789abcdef0123456789abcdef', name: 'default' } } },
      },
      "edge.existingRulesets.http_request_origin: names a ruleset the pro plan's edge stack does not manage",
    ],
  ])('%s', expectRefused);

  it('defaults the Advanced Rate Limiting add-on to false', () => {
    expect(environment('staging', { edge: { addons: { advancedRateLimiting: undefined } } }).edge.addons.advancedRateLimiting).toBe(false);
  });

  it.each([
    [
      'pro',
      1800,
      "edge.cache.publicAssetTtlSeconds: is below the pro plan's minimum edge cache TTL of 3600 seconds (1 h); 1800 s needs the business plan (found: 1800)",
    ],
    [
      'free',
      3600,
      "edge.cache.publicAssetTtlSeconds: is below the free plan's minimum edge cache TTL of 7200 seconds (2 h); 3600 s needs the pro plan (found: 3600)",
    ],
  ])("refuses an edge cache TTL below the %s plan's minimum, naming the plan and its minimum", (plan, ttl, expected) => {
    expect(configErrorOf('staging', { edge: { plan, cache: { publicAssetTtlSeconds: ttl } } })).toContain(expected);
  });

  it('accepts the plan minimum itself, and 1 s on Business', () => {
    expect(environment('staging', { edge: { cache: { publicAssetTtlSeconds: 3600 } } }).edge.cache.publicAssetTtlSeconds).toBe(3600);
    expect(
      environment('staging', { edge: { plan: 'business', cache: { publicAssetTtlSeconds: 1 } } }).edge.cache.publicAssetTtlSeconds,
    ).toBe(1);
  });

  it('defaults the sanctioned regions to Crimea, Sevastopol and the occupied Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts', () => {
    const env = environment('staging', { edge: { countries: { sanctionedRegions: undefined } } });
    expect(env.edge.countries.sanctionedRegions).toEqual(['UA-43', 'UA-40', 'UA-14', 'UA-09', 'UA-23', 'UA-65']);
    expect(env.edge.countries.sanctioned).toEqual(['CU', 'IR', 'KP']);
  });

  it.each([['UA43'], ['ua-43'], ['XZ-01']])('refuses the sanctioned region %s, naming the format', (code) => {
    expect(configErrorOf('staging', { edge: { countries: { sanctionedRegions: [code] } } })).toContain(
      `edge.countries.sanctionedRegions.0: expected an upper-case ISO 3166-2 subdivision code such as "UA-43" (country code, hyphen, region) (found: "${code}")`,
    );
  });

  it('refuses to allow the country of a sanctioned region on a plan that cannot match regions', () => {
    const message = configErrorOf('staging', { edge: { countries: { testRegions: ['UA'] } } });
    expect(message).toContain(
      'edge.countries.testRegions.0: holds sanctioned regions (edge.countries.sanctionedRegions) that the pro plan cannot match (ip.src.subdivision_1_iso_code needs the business plan or higher); expected the country left out of the allow list, or plan "business" (found: "UA")',
    );
    expect(environment('staging', { edge: { plan: 'business', countries: { testRegions: ['UA'] } } }).edge.countries.testRegions).toEqual([
      'UA',
    ]);
  });

  it('documents the sanctions list as a compliance decision, with its sources and date, in the JSON Schema', () => {
    const schema = JSON.parse(environmentJsonSchema());
    const description: string = schema.properties.edge.properties.countries.properties.sanctionedRegions.description;
    for (const fact of [
      'compliance decision',
      'November 2026',
      '692/2014',
      '2022/263',
      '2022/1903',
      'UA-43',
      'UA-65',
      'ip.src.subdivision_1_iso_code',
    ]) {
      expect(description).toContain(fact);
    }
  });

  it("documents that zone settings outlive the owner's edge stack, in the JSON Schema of zoneOwner", () => {
    const description: string = JSON.parse(environmentJsonSchema()).properties.edge.properties.zoneOwner.description;
    expect(description).toContain('never deletes cloudflare_zone_setting');
  });

  it('takes existing entry-point ruleset ids of the zone owner, by phase', () => {
    const env = environment('production', {
      edge: { existingRulesets: { http_request_firewall_custom: { id: '0123456789abcdef0123456789abcdef', name: 'default' } } },
    });
    expect(env.edge.existingRulesets).toEqual({
      http_request_firewall_custom: { id: '0123456789abcdef0123456789abcdef', name: 'default' },
    });
    expect(environment('production').edge.existingRulesets).toEqual({});
  });
});
