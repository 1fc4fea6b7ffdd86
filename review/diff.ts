/**
 * The difference between two synths of one environment (the base ref's and the change's), by
 * Terraform address, with risk flags a reviewer must not miss: replacing or deleting a stateful
 * resource, turning off deletion protection or encryption, opening public access.
 *
 * Synth alone cannot run a plan, so "replacement" is inferred from two small tables:
 * - an address that disappears while another of the same type appears with the same identifying
 *   name (IDENTITY): the construct moved or was renamed, and Terraform replaces it unless a
 *   `moved` block says otherwise;
 * - a change of an attribute the AWS provider marks ForceNew (FORCES_REPLACEMENT).
 * Pure: JSON in, values out.
 */
import { type Resource, type Synth, resources } from './terraform';

/** Types whose deletion loses data or breaks everything that encrypted with them. */
export const STATEFUL_TYPES = [
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_kms_key',
  'aws_ecr_repository',
  'aws_secretsmanager_secret',
  'aws_cloudwatch_log_group',
  'aws_s3_bucket',
  'aws_dynamodb_table',
] as const;

/** The attribute that names a resource in the cloud (so a moved address is recognisable). */
export const IDENTITY: Readonly<Record<string, string>> = {
  aws_db_instance: 'identifier',
  aws_rds_cluster: 'cluster_identifier',
  aws_db_parameter_group: 'name',
  aws_db_subnet_group: 'name',
  aws_ecr_repository: 'name',
  aws_secretsmanager_secret: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_sns_topic: 'name',
  aws_iam_role: 'name',
  aws_security_group: 'name',
  aws_s3_bucket: 'bucket',
  aws_dynamodb_table: 'name',
  aws_kms_alias: 'name',
  // A key has no name: its description is the nearest thing (EncryptionKey makes it unique).
  aws_kms_key: 'description',
  aws_apprunner_service: 'service_name',
  cloudflare_ruleset: 'phase',
  cloudflare_zone_setting: 'setting_id',
};

/** Attributes whose change makes Terraform destroy and re-create the resource (AWS provider ForceNew). */
export const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  aws_db_instance: [
    'identifier',
    'engine',
    'kms_key_id',
    'storage_encrypted',
    'db_subnet_group_name',
    'availability_zone',
    'username',
    'db_name',
    'character_set_name',
    'timezone',
  ],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region'],
  aws_ecr_repository: ['name', 'encryption_configuration'],
  aws_secretsmanager_secret: ['name'],
  aws_cloudwatch_log_group: ['name'],
  aws_sns_topic: ['name', 'fifo_topic'],
  aws_db_parameter_group: ['name', 'family'],
  aws_db_subnet_group: ['name'],
  aws_vpc: ['cidr_block'],
  aws_subnet: ['cidr_block', 'availability_zone', 'vpc_id'],
  aws_apprunner_service: ['service_name'],
  aws_apprunner_auto_scaling_configuration_version: ['auto_scaling_configuration_name', 'max_concurrency', 'max_size', 'min_size'],
};

export type RiskKind = 'replace-stateful' | 'delete-stateful' | 'protection-off' | 'encryption-off' | 'public-access' | 'replace';

export interface Risk {
  readonly kind: RiskKind;
  readonly message: string;
}

export interface Change {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Top-level attributes that differ (for `changed`). */
  readonly attributes: readonly string[];
  /** For a removed address that reappears elsewhere: the new address. */
  readonly movedTo?: string;
  readonly risks: readonly Risk[];
}

export interface OutputChange {
  readonly stack: string;
  readonly name: string;
  readonly kind: 'added' | 'removed' | 'changed';
}

export interface SynthDiff {
  readonly changes: readonly Change[];
  readonly outputs: readonly OutputChange[];
}

const isStateful = (type: string) => (STATEFUL_TYPES as readonly string[]).includes(type);
const strip = (body: Record<string, any>) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== '//'));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isOn = (v: unknown) => v === true || v === 'true';
const PUBLIC_CIDRS = ['0.0.0.0/0', '::/0'];

/** Settings that keep a resource from being destroyed: `[attribute, is it protecting?]`. */
const PROTECTION: readonly [string, (body: any) => boolean][] = [
  ['deletion_protection', (b) => isOn(b.deletion_protection)],
  ['lifecycle.prevent_destroy', (b) => isOn(b.lifecycle?.prevent_destroy)],
  ['skip_final_snapshot = false', (b) => b.skip_final_snapshot === false || b.skip_final_snapshot === 'false'],
  ['force_delete = false', (b) => b.force_delete === false],
  ['recovery_window_in_days', (b) => b.recovery_window_in_days === undefined || Number(b.recovery_window_in_days) > 0],
];

/** Encryption settings: `[attribute, is it encrypting?]`; only judged where the base had it on. */
const ENCRYPTION: readonly [string, (body: any) => boolean][] = [
  ['storage_encrypted', (b) => isOn(b.storage_encrypted)],
  ['kms_key_id', (b) => Boolean(b.kms_key_id)],
  ['kms_master_key_id', (b) => Boolean(b.kms_master_key_id)],
  [
    'encryption_configuration',
    (b) => [b.encryption_configuration ?? []].flat().some((e: any) => e?.encryption_type === 'KMS' || e?.kms_key),
  ],
  ['performance_insights_kms_key_id', (b) => Boolean(b.performance_insights_kms_key_id)],
  ['enable_key_rotation', (b) => isOn(b.enable_key_rotation)],
];

/** What makes a resource reachable from the internet. */
function publicExposure(type: string, body: any): string[] {
  const found: string[] = [];
  if (isOn(body.publicly_accessible)) found.push('publicly_accessible = true');
  if (type === 'aws_vpc_security_group_ingress_rule' && (PUBLIC_CIDRS.includes(body.cidr_ipv4) || PUBLIC_CIDRS.includes(body.cidr_ipv6)))
    found.push(`ingress from ${body.cidr_ipv4 ?? body.cidr_ipv6}`);
  if (
    type === 'aws_security_group_rule' &&
    body.type === 'ingress' &&
    [...(body.cidr_blocks ?? []), ...(body.ipv6_cidr_blocks ?? [])].some((c: string) => PUBLIC_CIDRS.includes(c))
  )
    found.push('ingress from the internet');
  if (
    type === 'aws_security_group' &&
    [body.ingress ?? []]
      .flat()
      .some((r: any) => [...(r.cidr_blocks ?? []), ...(r.ipv6_cidr_blocks ?? [])].some((c: string) => PUBLIC_CIDRS.includes(c)))
  )
    found.push('inline ingress from the internet');
  if (isOn(body.map_public_ip_on_launch)) found.push('map_public_ip_on_launch = true');
  if (
    (type === 'cloudflare_dns_record' || type === 'cloudflare_record') &&
    ['A', 'AAAA', 'CNAME'].includes(body.type) &&
    !String(body.name ?? '').startsWith('_') &&
    !isOn(body.proxied)
  )
    found.push(`DNS record ${body.name} not proxied (bypasses the WAF)`);
  return found;
}

function changedAttributes(before: Record<string, any>, after: Record<string, any>): string[] {
  const a = strip(before);
  const b = strip(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !same(a[key], b[key])).sort();
}

function risksOfChange(type: string, before: any, after: any, attributes: readonly string[]): Risk[] {
  const risks: Risk[] = [];
  const forcing = (FORCES_REPLACEMENT[type] ?? []).filter((attribute) => attributes.includes(attribute));
  if (forcing.length > 0) {
    const detail = forcing.map((a) => `${a}: ${JSON.stringify(before[a] ?? null)} → ${JSON.stringify(after[a] ?? null)}`).join(', ');
    risks.push(
      isStateful(type)
        ? { kind: 'replace-stateful', message: `replaces a stateful ${type} (${detail}): its data goes with the old one` }
        : { kind: 'replace', message: `replaces the ${type} (${detail})` },
    );
  }
  for (const [name, on] of PROTECTION) if (on(before) && !on(after)) risks.push({ kind: 'protection-off', message: `turns off ${name}` });
  for (const [name, on] of ENCRYPTION) if (on(before) && !on(after)) risks.push({ kind: 'encryption-off', message: `turns off ${name}` });
  const exposedBefore = new Set(publicExposure(type, before));
  for (const exposure of publicExposure(type, after))
    if (!exposedBefore.has(exposure)) risks.push({ kind: 'public-access', message: `opens public access: ${exposure}` });
  return risks;
}

export function diffSynth(base: Synth, head: Synth): SynthDiff {
  const index = (synth: Synth) => new Map(resources(synth).map((r) => [`${r.stack} ${r.address}`, r]));
  const before = index(base);
  const after = index(head);
  const changes: Change[] = [];

  const removed = [...before.values()].filter((r) => !after.has(`${r.stack} ${r.address}`));
  const added = [...after.values()].filter((r) => !before.has(`${r.stack} ${r.address}`));
  const identity = (r: Resource) =>
    IDENTITY[r.type] && typeof r.body[IDENTITY[r.type]] === 'string' ? `${r.stack} ${r.type} ${r.body[IDENTITY[r.type]]}` : undefined;
  const addedByIdentity = new Map(added.filter(identity).map((r) => [identity(r)!, r]));

  for (const r of removed) {
    const moved = identity(r) ? addedByIdentity.get(identity(r)!) : undefined;
    const risks: Risk[] = [];
    if (moved) {
      risks.push({
        kind: isStateful(r.type) ? 'replace-stateful' : 'replace',
        message: `${r.type} "${r.body[IDENTITY[r.type]]}" moves to ${moved.address}: Terraform destroys and re-creates it unless a moved block maps the addresses`,
      });
    } else if (isStateful(r.type)) {
      risks.push({
        kind: 'delete-stateful',
        message: `deletes a stateful ${r.type}${IDENTITY[r.type] ? ` "${r.body[IDENTITY[r.type]]}"` : ''}`,
      });
    }
    changes.push({ stack: r.stack, address: r.address, type: r.type, kind: 'removed', attributes: [], movedTo: moved?.address, risks });
  }
  for (const r of added) {
    const exposure = publicExposure(r.type, r.body).map((e): Risk => ({ kind: 'public-access', message: `opens public access: ${e}` }));
    changes.push({ stack: r.stack, address: r.address, type: r.type, kind: 'added', attributes: [], risks: exposure });
  }
  for (const [key, r] of after) {
    const old = before.get(key);
    if (!old) continue;
    const attributes = changedAttributes(old.body, r.body);
    if (attributes.length === 0) continue;
    changes.push({
      stack: r.stack,
      address: r.address,
      type: r.type,
      kind: 'changed',
      attributes,
      risks: risksOfChange(r.type, old.body, r.body, attributes),
    });
  }
  changes.sort((a, b) => a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));

  const outputs: OutputChange[] = [];
  for (const stack of [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()) {
    const a = base[stack]?.output ?? {};
    const b = head[stack]?.output ?? {};
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(name in b)) outputs.push({ stack, name, kind: 'removed' });
      else if (!(name in a)) outputs.push({ stack, name, kind: 'added' });
      else if (!same(a[name], b[name])) outputs.push({ stack, name, kind: 'changed' });
    }
  }
  return { changes, outputs };
}

/** Resource counts per stack and type. */
export function inventory(synth: Synth): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const r of resources(synth)) {
    counts[r.stack] ??= {};
    counts[r.stack][r.type] = (counts[r.stack][r.type] ?? 0) + 1;
  }
  return counts;
}
