/**
 * Loads and validates an environment file. Every problem is reported in one `ConfigError`, before
 * anything is synthesized.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { problemLines, shown } from '../constructs/validation';
import { zoneRuleCountProblems } from './edge-sites';
import { ConfigError, problemBlock } from './errors';
import { validatedEnvironmentSchema } from './rules';
import type { EnvironmentConfig } from './schema';

export type { EnvironmentConfig, ServiceName } from './schema';
export { SERVICE_NAMES } from './schema';
export { ConfigError } from './errors';
export { CONTROL_FILE, type ControlConfig, checkControlPlane, checkWorkflowEnvironments, controlProjectOf, loadControl } from './control';

export const ENVIRONMENTS_DIR = path.join(__dirname, 'environments');
export const DEFAULT_ENVIRONMENT = 'staging';

/** Names of the environments that have a file in `dir`, sorted. */
export function knownEnvironments(dir: string = ENVIRONMENTS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Reads `<dir>/<name>.json` and validates it. */
export function loadEnvironment(name: string, dir: string = ENVIRONMENTS_DIR): EnvironmentConfig {
  const known = knownEnvironments(dir);
  if (!known.includes(name)) {
    throw new ConfigError(
      `Unknown environment "${name}" (DROP_ENV). Known environments: ${known.join(', ')}. ` +
        `Add config/environments/${name}.json to create it.`,
    );
  }
  const file = path.join(dir, `${name}.json`);
  const shown = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid environment file ${shown}: not valid JSON: ${(error as Error).message}`);
  }
  return parseEnvironment(raw, shown, name);
}

/** Validates an already-parsed environment; `expectedName` is the file's base name. */
export function parseEnvironment(raw: unknown, source: string, expectedName?: string): EnvironmentConfig {
  const result = validatedEnvironmentSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap(describeIssue);
  if (result.success && expectedName !== undefined && result.data.name !== expectedName) {
    problems.push(`name: must match the file name "${expectedName}" (found: ${shown(result.data.name)})`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid environment file ${source} ${problemBlock(problems)}`);
  return (result as { data: EnvironmentConfig }).data;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = (segments: PropertyKey[]) => segments.map(String).join('.') || '(file)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at([...issue.path, key])}: ${issue.message}`);
  }
  // A record key that fails its own schema (edge.rateLimits names): say what that schema says.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return problemLines([{ path: [at(issue.path)], input: issue.input, message }]);
}

/**
 * Fields that hold for the whole Cloudflare zone, not one environment: the zone owner's values
 * are the ones deployed, so every environment of the zone must state the same.
 */
export const ZONE_WIDE_FIELDS = ['plan', 'addons', 'bots', 'waf', 'rateLimits'] as const;

/**
 * Every environment file in `dir`, loaded and validated, sorted by name, with `config` (already
 * loaded, perhaps overridden) in place of its own file.
 */
export function loadEnvironments(config: EnvironmentConfig, dir: string = ENVIRONMENTS_DIR): EnvironmentConfig[] {
  return knownEnvironments(dir).map((name) => (name === config.name ? config : loadEnvironment(name, dir)));
}

/**
 * Every environment of `all` that shares `config`'s Cloudflare zone (itself included, as given),
 * sorted by name. `all` is every environment (by default `loadEnvironments(config)`). Checks that
 * exactly one of them is the zone owner, that they agree on the zone-wide fields and share the
 * owner's AWS account and region (the owner reads their contract values there).
 */
export function loadZone(config: EnvironmentConfig, all: readonly EnvironmentConfig[] = loadEnvironments(config)): EnvironmentConfig[] {
  const zone = all.filter((env) => env.edge.zone === config.edge.zone);
  if (!zone.includes(config)) zone.push(config);
  zone.sort((a, b) => a.name.localeCompare(b.name));
  return checkZone(zone);
}

/** The checks of `loadZone` on a given set of environments of one zone. */
export function checkZone(zone: EnvironmentConfig[]): EnvironmentConfig[] {
  const name = zone[0].edge.zone;
  const owners = zone.filter((env) => env.edge.zoneOwner);
  const problems: string[] = [];
  if (owners.length !== 1) {
    const found = owners.length === 0 ? 'none' : owners.map((env) => `${env.name}.json`).join(', ');
    problems.push(`edge.zoneOwner: exactly one environment of the zone must be true (found: ${found})`);
  }
  const owner = owners[0];
  if (owner) {
    problems.push(...problemLines(zoneRuleCountProblems(owner, zone)).map((line) => `${owner.name}.json ${line}`));
    for (const env of zone.filter((e) => e !== owner)) {
      for (const field of ZONE_WIDE_FIELDS) {
        if (JSON.stringify(env.edge[field]) !== JSON.stringify(owner.edge[field])) {
          problems.push(
            `${env.name}.json edge.${field}: is zone-wide and must equal the zone owner's (${owner.name}.json: ${shown(owner.edge[field])}) (found: ${shown(env.edge[field])})`,
          );
        }
      }
      if (env.aws.region !== owner.aws.region) {
        problems.push(
          `${env.name}.json aws.region: must equal the zone owner's (${owner.name}.json: "${owner.aws.region}"), where the owner reads this environment's contract values (found: "${env.aws.region}")`,
        );
      }
      if (env.aws.accountId !== owner.aws.accountId) {
        problems.push(
          `${env.name}.json aws.accountId: must equal the zone owner's (${owner.name}.json: "${owner.aws.accountId}"), where the owner reads this environment's contract values (found: "${env.aws.accountId}")`,
        );
      }
    }
  }
  if (problems.length > 0) {
    const names = zone.map((env) => env.name).join(', ');
    throw new ConfigError(`Invalid Cloudflare zone "${name}" ${problemBlock(problems, `environments ${names}`)}`);
  }
  return zone;
}
