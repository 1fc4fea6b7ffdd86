/**
 * The rule kit of the policy gate: what a rule is, what it reports, and the helpers the rules of
 * every area share (one resource at a time, references between resources).
 */
import { type Resource, type Synth, type TerraformJson, referencesIn, resources } from '../../terraform';

/** What the gate knows about the environment besides its JSON. */
export interface GateContext {
  /** The environment's name, or `control` for the bootstrap stack. */
  readonly environment: string;
  /** The environment's tier (waivers are kept by tier); none for the bootstrap stack, which spans every tier. */
  readonly tier?: string;
  /** Whether this environment's edge stack owns the Cloudflare zone's settings and rulesets. */
  readonly zoneOwner: boolean;
}

export interface RawFinding {
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  /** Scanner rules this one follows (`checkov CKV_AWS_16`, `trivy AVD-AWS-0080`), or `own` for ours. */
  readonly mirrors: readonly string[];
  readonly fix: string;
  check(synth: Synth, context: GateContext): RawFinding[];
}

export const finding = (resource: Resource, message: string): RawFinding => ({ stack: resource.stack, address: resource.address, message });

/** A rule that looks at each resource of some types on its own: `problem` returns what is wrong, if anything. */
export function perResource(
  rule: Omit<Rule, 'check'>,
  types: readonly string[],
  problem: (body: Record<string, any>, resource: Resource, json: TerraformJson) => string | string[] | undefined,
): Rule {
  return {
    ...rule,
    check(synth) {
      return resources(synth, ...types).flatMap((resource) => {
        const result = problem(resource.body, resource, synth[resource.stack]);
        return (result === undefined ? [] : Array.isArray(result) ? result : [result]).map((message) => finding(resource, message));
      });
    },
  };
}

/** The resource an attribute such as `${aws_db_parameter_group.p.name}` refers to, in the same stack. */
export function referenced(json: TerraformJson, value: unknown, type: string): Record<string, any> | undefined {
  const reference = referencesIn(value).find((r) => r.address.startsWith(`${type}.`));
  if (!reference) return undefined;
  return json.resource?.[type]?.[reference.address.slice(type.length + 1)];
}

/** True when some resource of `type` in the same stack refers to `target` in attribute `attribute`. */
export function hasReferrer(json: TerraformJson, type: string, attribute: string, target: Resource): boolean {
  return Object.values(json.resource?.[type] ?? {}).some((body) =>
    referencesIn(body?.[attribute]).some((r) => r.address === target.address),
  );
}

export const isTrue = (value: unknown) => value === true || value === 'true';
export const isPostgres = (body: Record<string, any>) => String(body.engine ?? '').startsWith('postgres');
