/**
 * Every rule of the gate, caught on a deliberately broken copy of a real synth: each case breaks
 * one thing and expects that rule's finding at that address (and the unbroken synth has none).
 */
import { describe, expect, it } from 'vitest';
import { runGate } from '../../review/policy/gate';
import { RULES } from '../../review/policy/rules';
import type { Synth } from '../../review/terraform';
import { WAIVERS } from '../../review/waivers';
import { at, contextOf, shipped } from './fixtures';

type Env = 'staging' | 'production';

interface Case {
  readonly rule: string;
  readonly name: string;
  readonly env?: Env;
  /** Breaks the synth; returns the stack and address the finding must name. */
  readonly broken: (synth: Synth) => { stack: string; address: string };
}

const db = (s: Synth) => at(s, 'data', 'aws_db_instance', 'database/instance');
const onDb = (change: (body: any) => void) => (s: Synth) => {
  const instance = db(s);
  change(instance.body);
  return { stack: 'data', address: instance.address };
};
const onResource = (stack: string, type: string, path: string, change: (body: any, s: Synth) => void, address?: string) => (s: Synth) => {
  const resource = at(s, stack, type, path);
  change(resource.body, s);
  return { stack, address: address ?? resource.address };
};
/** Breaks a statement of an aws_iam_policy_document; the finding names the resource that uses the document. */
const onDocument = (stack: string, document: string, user: [string, string], change: (statements: any[]) => void) => (s: Synth) => {
  change(at(s, stack, 'data.aws_iam_policy_document', document).body.statement);
  return { stack, address: at(s, stack, user[0], user[1]).address };
};

const CASES: Case[] = [
  { rule: 'rds-storage-encrypted', name: 'storage_encrypted = false', broken: onDb((b) => (b.storage_encrypted = false)) },
  { rule: 'rds-storage-encrypted', name: 'AWS-managed key', broken: onDb((b) => delete b.kms_key_id) },
  { rule: 'rds-not-public', name: 'publicly accessible', broken: onDb((b) => (b.publicly_accessible = true)) },
  { rule: 'rds-enhanced-monitoring', name: 'monitoring off', broken: onDb((b) => (b.monitoring_interval = 0)) },
  { rule: 'rds-log-exports', name: 'no log exports', broken: onDb((b) => (b.enabled_cloudwatch_logs_exports = [])) },
  { rule: 'rds-multi-az', name: 'single-AZ production', env: 'production', broken: onDb((b) => (b.multi_az = false)) },
  { rule: 'rds-iam-authentication', name: 'IAM auth off', broken: onDb((b) => (b.iam_database_authentication_enabled = false)) },
  { rule: 'rds-auto-minor-version-upgrade', name: 'minor upgrades off', broken: onDb((b) => (b.auto_minor_version_upgrade = false)) },
  { rule: 'rds-deletion-protection', name: 'unprotected production', env: 'production', broken: onDb((b) => (b.deletion_protection = false)) },
  { rule: 'rds-performance-insights', name: 'Performance Insights off', broken: onDb((b) => (b.performance_insights_enabled = false)) },
  { rule: 'rds-performance-insights-encrypted', name: 'PI without our key', broken: onDb((b) => delete b.performance_insights_kms_key_id) },
  { rule: 'rds-copy-tags-to-snapshot', name: 'tags not copied', broken: onDb((b) => (b.copy_tags_to_snapshot = false)) },
  { rule: 'rds-backup-retention', name: 'one day of backups', broken: onDb((b) => (b.backup_retention_period = 1)) },
  { rule: 'rds-current-ca', name: 'expired CA', broken: onDb((b) => (b.ca_cert_identifier = 'rds-ca-2019')) },
  { rule: 'rds-managed-master-password', name: 'password in state', broken: onDb((b) => { b.manage_master_user_password = false; b.password = '${var.db_password}'; }) },
  {
    rule: 'rds-force-ssl', name: 'rds.force_ssl = 0',
    broken: (s) => {
      const group = at(s, 'data', 'aws_db_parameter_group', 'database/parameters');
      group.body.parameter.find((p: any) => p.name === 'rds.force_ssl').value = '0';
      return { stack: 'data', address: db(s).address };
    },
  },
  { rule: 'rds-force-ssl', name: 'default parameter group', broken: onDb((b) => delete b.parameter_group_name) },
  {
    rule: 'rds-query-logging', name: 'no log_statement',
    broken: (s) => {
      const group = at(s, 'data', 'aws_db_parameter_group', 'database/parameters');
      group.body.parameter = group.body.parameter.filter((p: any) => p.name !== 'log_statement');
      return { stack: 'data', address: db(s).address };
    },
  },
  { rule: 'ecr-immutable-tags', name: 'mutable tags', broken: onResource('registry', 'aws_ecr_repository', 'images/api', (b) => (b.image_tag_mutability = 'MUTABLE')) },
  { rule: 'ecr-scan-on-push', name: 'no scan on push', broken: onResource('registry', 'aws_ecr_repository', 'images/api', (b) => (b.image_scanning_configuration.scan_on_push = false)) },
  { rule: 'ecr-kms', name: 'AES256', broken: onResource('registry', 'aws_ecr_repository', 'images/web', (b) => (b.encryption_configuration = [{ encryption_type: 'AES256' }])) },
  {
    rule: 'ecr-lifecycle-policy', name: 'lifecycle policy removed',
    broken: (s) => {
      delete s.registry.resource!.aws_ecr_lifecycle_policy[at(s, 'registry', 'aws_ecr_lifecycle_policy', 'images/api-lifecycle').name];
      return { stack: 'registry', address: at(s, 'registry', 'aws_ecr_repository', 'images/api').address };
    },
  },
  { rule: 'kms-rotation', name: 'rotation off', broken: onResource('registry', 'aws_kms_key', 'images-key/key', (b) => (b.enable_key_rotation = false)) },
  { rule: 'kms-explicit-policy', name: 'default key policy', broken: onResource('data', 'aws_kms_key', 'database-key/key', (b) => delete b.policy) },
  { rule: 'secret-kms', name: 'aws/secretsmanager key', broken: onResource('data', 'aws_secretsmanager_secret', 'app-secrets/jwt-secret', (b) => delete b.kms_key_id) },
  {
    rule: 'secret-rotation', name: 'a new secret the waiver does not cover',
    broken: (s) => {
      s.data.resource!.aws_secretsmanager_secret['stripe-key'] = { name: 'drop/staging/stripe', kms_key_id: '${aws_kms_key.k.arn}' };
      return { stack: 'data', address: 'aws_secretsmanager_secret.stripe-key' };
    },
  },
  { rule: 'log-group-kms', name: 'unencrypted log group', broken: onResource('data', 'aws_cloudwatch_log_group', 'network/flow-logs', (b) => delete b.kms_key_id) },
  { rule: 'log-group-retention', name: '30 days in production', env: 'production', broken: onResource('data', 'aws_cloudwatch_log_group', 'database/postgresql-logs', (b) => (b.retention_in_days = 30)) },
  { rule: 'log-group-retention', name: 'no retention', env: 'production', broken: onResource('data', 'aws_cloudwatch_log_group', 'network/flow-logs', (b) => delete b.retention_in_days) },
  { rule: 'sns-kms', name: 'unencrypted topic', broken: onResource('data', 'aws_sns_topic', 'alarm-topic', (b) => delete b.kms_master_key_id) },
  { rule: 'iam-policy-readable', name: 'computed policy', broken: onResource('registry', 'aws_iam_role_policy', 'ci/push', (b) => (b.policy = '${jsonencode(local.policy)}')) },
  {
    rule: 'iam-no-admin', name: 'inline JSON admin policy',
    broken: onResource('compute', 'aws_iam_role_policy', 'api/access-policy', (b) => (b.policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }))),
  },
  {
    rule: 'iam-no-wildcard-actions', name: 'ecr:* through a policy document',
    broken: onDocument('registry', 'ci/permissions', ['aws_iam_role_policy', 'ci/push'], (st) => st.find((x) => x.sid === 'PushAndScanResults').actions.push('ecr:*')),
  },
  {
    rule: 'iam-no-wildcard-resource', name: 'push to every repository',
    broken: onDocument('registry', 'ci/permissions', ['aws_iam_role_policy', 'ci/push'], (st) => (st.find((x) => x.sid === 'PushAndScanResults').resources = ['*'])),
  },
  {
    rule: 'iam-trust-no-wildcard-principal', name: 'anyone may assume',
    broken: onDocument('data', 'database/monitoring-trust', ['aws_iam_role', 'database/monitoring-role'], (st) => (st[0].principals = [{ type: 'AWS', identifiers: ['*'] }])),
  },
  {
    rule: 'iam-github-oidc-subject', name: 'any repository of the owner',
    broken: onDocument('registry', 'ci/trust', ['aws_iam_role', 'ci/role'], (st) => (st[0].condition.find((c: any) => c.variable.endsWith(':sub')).values = ['repo:getdrop/*'])),
  },
  {
    rule: 'iam-github-oidc-subject', name: 'no subject condition',
    broken: onDocument('registry', 'ci/trust', ['aws_iam_role', 'ci/role'], (st) => (st[0].condition = st[0].condition.filter((c: any) => !c.variable.endsWith(':sub')))),
  },
  {
    rule: 'resource-policy-not-public', name: 'key usable by anyone',
    broken: onDocument('data', 'database-key/policy', ['aws_kms_key', 'database-key/key'], (st) =>
      st.push({ effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }] })),
  },
  {
    rule: 'iam-no-admin-managed-policy', name: 'AdministratorAccess attached',
    broken: onResource('data', 'aws_iam_role_policy_attachment', 'database/monitoring-policy', (b) => (b.policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess')),
  },
  {
    rule: 'sg-no-public-ingress', name: 'database open to the internet',
    broken: onResource('data', 'aws_vpc_security_group_ingress_rule', 'database/from-compute', (b) => { delete b.referenced_security_group_id; b.cidr_ipv4 = '0.0.0.0/0'; }),
  },
  {
    rule: 'sg-no-public-ingress', name: 'inline ingress block',
    broken: onResource('data', 'aws_security_group', 'database/security-group', (b) => (b.ingress = [{ description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }])),
  },
  { rule: 'sg-no-unrestricted-egress', name: 'everything out', broken: onResource('data', 'aws_vpc_security_group_egress_rule', 'compute-to-internet', (b) => { b.ip_protocol = '-1'; delete b.from_port; delete b.to_port; }) },
  { rule: 'sg-descriptions', name: 'undocumented group', broken: onResource('data', 'aws_security_group', 'compute-security-group', (b) => delete b.description) },
  { rule: 'sg-descriptions', name: 'undocumented rule', broken: onResource('data', 'aws_vpc_security_group_egress_rule', 'compute-to-database', (b) => delete b.description) },
  {
    rule: 'vpc-default-security-group-closed', name: 'default group allows traffic',
    broken: (s) => {
      at(s, 'data', 'aws_default_security_group', 'network/default-security-group').body.ingress = [{ protocol: '-1', self: true, from_port: 0, to_port: 0 }];
      return { stack: 'data', address: at(s, 'data', 'aws_vpc', 'network/vpc').address };
    },
  },
  {
    rule: 'vpc-flow-logs', name: 'flow log removed',
    broken: (s) => {
      delete s.data.resource!.aws_flow_log;
      return { stack: 'data', address: at(s, 'data', 'aws_vpc', 'network/vpc').address };
    },
  },
  { rule: 'subnet-no-public-ip', name: 'public IPs on launch', broken: onResource('data', 'aws_subnet', 'network/public-0', (b) => (b.map_public_ip_on_launch = true)) },
  {
    rule: 'state-backend-encrypted', name: 'unencrypted S3 state',
    broken: (s) => {
      (s.data.terraform as any).backend = { s3: { bucket: 'drop-state', key: 'drop/staging/data.tfstate', region: 'eu-west-1', encrypt: false } };
      return { stack: 'data', address: 'terraform.backend.s3' };
    },
  },
  { rule: 'cloudflare-tls', name: 'SSL flexible', env: 'production', broken: onResource('edge', 'cloudflare_zone_setting', 'zone-settings/ssl', (b) => (b.value = 'flexible')) },
  { rule: 'cloudflare-tls', name: 'TLS 1.0 allowed', env: 'production', broken: onResource('edge', 'cloudflare_zone_setting', 'zone-settings/min-tls-version', (b) => (b.value = '1.0')) },
  { rule: 'cloudflare-tls', name: 'HSTS off', env: 'production', broken: onResource('edge', 'cloudflare_zone_setting', 'zone-settings/security-header', (b) => (b.value.strict_transport_security.enabled = false)) },
  {
    rule: 'cloudflare-tls', name: 'zone owner without the settings', env: 'production',
    broken: (s) => {
      delete s.edge.resource!.cloudflare_zone_setting;
      return { stack: 'edge', address: 'cloudflare_zone_setting' };
    },
  },
  {
    rule: 'cloudflare-waf', name: 'OWASP ruleset removed', env: 'production',
    broken: (s) => {
      const waf = at(s, 'edge', 'cloudflare_ruleset', 'managed-waf/ruleset');
      waf.body.rules = waf.body.rules.filter((r: any) => r.ref !== 'owasp_core');
      return { stack: 'edge', address: 'cloudflare_ruleset' };
    },
  },
  {
    rule: 'cloudflare-waf', name: 'managed ruleset disabled', env: 'production',
    broken: onResource('edge', 'cloudflare_ruleset', 'managed-waf/ruleset', (b) => (b.rules[0].enabled = false)),
  },
  { rule: 'cloudflare-origin-proxied', name: 'DNS-only origin record', broken: onResource('edge', 'cloudflare_dns_record', 'dns/staging-getdrop-no', (b) => (b.proxied = false)) },
  {
    rule: 'no-plaintext-secrets', name: 'secret value in a plain environment variable',
    broken: onResource('compute', 'aws_apprunner_service', 'api/service', (b) => {
      b.source_configuration.image_repository.image_configuration.runtime_environment_variables.JWT = '${data.aws_secretsmanager_secret_version.jwt.secret_string}';
    }),
  },
  {
    rule: 'no-plaintext-secrets', name: 'literal secret in an environment variable',
    broken: onResource('compute', 'aws_apprunner_service', 'web/service', (b) => {
      b.source_configuration.image_repository.image_configuration.runtime_environment_variables.SENTRY_TOKEN = 'sntrys_0123456789abcdef';
    }),
  },
  { rule: 'no-plaintext-secrets', name: 'AWS access key in a description', broken: onResource('data', 'aws_sns_topic', 'alarm-topic', (b) => (b.display_name = 'key AKIAIOSFODNN7EXAMPLE')) },
  {
    rule: 'no-plaintext-secrets', name: 'secret printed by an output', env: 'production',
    broken: (s) => {
      (s.edge as any).output = { verify: { value: '${data.aws_secretsmanager_secret_version.x.secret_string}' } };
      return { stack: 'edge', address: 'output.verify' };
    },
  },
  {
    rule: 'no-plaintext-secrets', name: 'Worker secret as plain_text', env: 'production',
    // The Worker has no secret binding (the zone's transform rule sets the header): break it by adding one in plain text.
    broken: onResource('edge', 'cloudflare_workers_script', 'api-path/script', (b) =>
      b.bindings.push({ name: 'ORIGIN_VERIFY', type: 'plain_text', text: '${data.aws_secretsmanager_secret_version.origin-verify_secret.secret_string}' }),
    ),
  },
];

const key = (f: { rule: string; stack: string; address: string }) => `${f.rule} ${f.stack} ${f.address}`;

/** The gate on the unbroken synth of an environment: the same for every case, so run once per environment. */
const unbroken = new Map<string, ReturnType<typeof runGate>>();
function gateOfShipped(env: string): ReturnType<typeof runGate> {
  if (!unbroken.has(env)) unbroken.set(env, runGate(shipped(env), contextOf(env), WAIVERS));
  return unbroken.get(env)!;
}

describe('policy rules', () => {
  it('has a breaking case for every rule', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names a scanner rule (or "own") and a fix for every rule', () => {
    for (const rule of RULES) {
      expect(rule.mirrors.length, rule.id).toBeGreaterThan(0);
      expect(rule.mirrors.every((m) => m === 'own' || /^(checkov|trivy|KICS|terraform-aws-modules)\b/.test(m)), rule.id).toBe(true);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
    }
  });

  it('allows "*" only for actions without resource-level permissions', () => {
    const gate = (actions: string[]) => {
      const synth = shipped('staging');
      const statement = at(synth, 'registry', 'data.aws_iam_policy_document', 'ci/permissions').body.statement.find((x: any) => x.sid === 'EcrLogin');
      statement.actions = actions;
      return runGate(synth, contextOf('staging'), WAIVERS).findings.map((f) => f.rule);
    };
    expect(gate(['ecr:GetAuthorizationToken', 'apprunner:ListServices'])).toEqual([]);
    expect(gate(['ecr:GetAuthorizationToken', 'apprunner:ListOperations'])).toEqual(['iam-no-wildcard-resource']);
    expect(gate(['ecr:Get*'])).toEqual(['iam-no-wildcard-resource']);
  });

  it.each(CASES.map((c) => [c.rule, c.name, c] as const))('%s catches: %s', (_rule, _name, testCase) => {
    // GIVEN a real synth, and the same synth with one thing broken
    const env = testCase.env ?? 'staging';
    const before = gateOfShipped(env);
    const broken = shipped(env);
    const expected = testCase.broken(broken);
    // WHEN the gate runs
    const after = runGate(broken, contextOf(env), WAIVERS);
    // THEN the rule reports the broken resource, with its stack, address, message and fix
    const target = key({ rule: testCase.rule, ...expected });
    expect(before.findings.map(key)).not.toContain(target);
    const found = after.findings.find((f) => key(f) === target);
    expect(found, `${target} not in:\n${after.findings.map(key).join('\n')}`).toBeDefined();
    expect(found!.message.length).toBeGreaterThan(5);
    expect(found!.fix).toBe(RULES.find((r) => r.id === testCase.rule)!.fix);
    expect(after.ok).toBe(false);
  });
});
