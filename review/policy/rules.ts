/**
 * The rules of the policy gate: the checks the common open-source IaC scanners (checkov,
 * trivy/tfsec, KICS) apply to the resource types this project uses, re-implemented over the
 * synthesized JSON, plus the project's own (Cloudflare TLS and WAF, plaintext secrets, the state
 * backend). `mirrors` names the scanner rule each one follows; where ours is stricter, `title`
 * says so. Every rule has a test that breaks it on purpose (`__tests__/review/rules.test.ts`).
 */
import {
  type PolicyDocument,
  type Resource,
  type Statement,
  type Synth,
  type TerraformJson,
  actionMatches,
  interpolations,
  isInterpolation,
  policyDocument,
  referencesIn,
  resources,
  walkStrings,
} from '../terraform';

/** What the gate knows about the environment besides its JSON. */
export interface GateContext {
  readonly environment: string;
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

const finding = (resource: Resource, message: string): RawFinding => ({ stack: resource.stack, address: resource.address, message });

/** A rule that looks at each resource of some types on its own: `problem` returns what is wrong, if anything. */
function perResource(
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
function referenced(json: TerraformJson, value: unknown, type: string): Record<string, any> | undefined {
  const reference = referencesIn(value).find((r) => r.address.startsWith(`${type}.`));
  if (!reference) return undefined;
  return json.resource?.[type]?.[reference.address.slice(type.length + 1)];
}

/** True when some resource of `type` in the same stack refers to `target` in attribute `attribute`. */
function hasReferrer(json: TerraformJson, type: string, attribute: string, target: Resource): boolean {
  return Object.values(json.resource?.[type] ?? {}).some((body) =>
    referencesIn(body?.[attribute]).some((r) => r.address === target.address),
  );
}

const isTrue = (value: unknown) => value === true || value === 'true';
const isPostgres = (body: Record<string, any>) => String(body.engine ?? '').startsWith('postgres');

// ---------------------------------------------------------------------------------------------
// RDS

/** RDS CAs that are current (the rds-ca-2019 family expired in 2024). */
export const CURRENT_RDS_CAS = ['rds-ca-rsa2048-g1', 'rds-ca-rsa4096-g1', 'rds-ca-ecc384-g1'];

/** Parameters of the instance's parameter group, or undefined when it uses the engine default. */
function parametersOf(json: TerraformJson, body: Record<string, any>): Map<string, string> | undefined {
  const group = referenced(json, body.parameter_group_name, 'aws_db_parameter_group');
  if (!group) return undefined;
  return new Map((group.parameter ?? []).map((p: any) => [String(p.name), String(p.value)]));
}

const rds: Rule[] = [
  perResource(
    { id: 'rds-storage-encrypted', title: 'RDS storage is encrypted with a customer-managed KMS key', mirrors: ['checkov CKV_AWS_16', 'trivy AVD-AWS-0080'], fix: 'Set storage_encrypted = true and kms_key_id to a customer-managed key (PostgresDatabase does).' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.storage_encrypted) ? 'storage_encrypted is not true' : !b.kms_key_id ? 'no kms_key_id: encrypted with the AWS-managed key, not ours' : undefined),
  ),
  perResource(
    { id: 'rds-not-public', title: 'RDS instance is not publicly accessible', mirrors: ['checkov CKV_AWS_17', 'trivy AVD-AWS-0082'], fix: 'Set publicly_accessible = false; clients reach the database through the VPC.' },
    ['aws_db_instance'],
    (b) => (isTrue(b.publicly_accessible) ? 'publicly_accessible = true' : undefined),
  ),
  perResource(
    { id: 'rds-enhanced-monitoring', title: 'RDS enhanced monitoring is on', mirrors: ['checkov CKV_AWS_118'], fix: 'Set monitoring_interval (1-60 s) and monitoring_role_arn.' },
    ['aws_db_instance'],
    (b) => (!(Number(b.monitoring_interval) > 0) || !b.monitoring_role_arn ? `monitoring_interval is ${b.monitoring_interval ?? 'unset'}${b.monitoring_role_arn ? '' : ', no monitoring_role_arn'}` : undefined),
  ),
  perResource(
    { id: 'rds-log-exports', title: 'RDS exports its engine logs to CloudWatch', mirrors: ['checkov CKV_AWS_129'], fix: 'Set enabled_cloudwatch_logs_exports (["postgresql", "upgrade"] for PostgreSQL).' },
    ['aws_db_instance'],
    (b) => {
      const exports: string[] = b.enabled_cloudwatch_logs_exports ?? [];
      if (exports.length === 0) return 'enabled_cloudwatch_logs_exports is empty';
      return isPostgres(b) && !exports.includes('postgresql') ? 'the "postgresql" log is not exported' : undefined;
    },
  ),
  perResource(
    { id: 'rds-multi-az', title: 'RDS instance is Multi-AZ', mirrors: ['checkov CKV_AWS_157'], fix: 'Set database.multiAz = true in the environment file.' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.multi_az) ? 'multi_az is not true: one availability zone failing takes the database down' : undefined),
  ),
  perResource(
    { id: 'rds-iam-authentication', title: 'RDS IAM database authentication is on', mirrors: ['checkov CKV_AWS_161', 'trivy AVD-AWS-0176'], fix: 'Set iam_database_authentication_enabled = true.' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.iam_database_authentication_enabled) ? 'iam_database_authentication_enabled is not true' : undefined),
  ),
  perResource(
    { id: 'rds-auto-minor-version-upgrade', title: 'RDS applies minor engine upgrades', mirrors: ['checkov CKV_AWS_226'], fix: 'Leave auto_minor_version_upgrade at true.' },
    ['aws_db_instance'],
    (b) => (b.auto_minor_version_upgrade === false ? 'auto_minor_version_upgrade = false: security fixes wait for someone to remember' : undefined),
  ),
  perResource(
    { id: 'rds-deletion-protection', title: 'RDS deletion protection is on', mirrors: ['checkov CKV_AWS_293', 'trivy AVD-AWS-0177'], fix: 'Set database.deletionProtection = true in the environment file.' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.deletion_protection) ? 'deletion_protection is not true' : undefined),
  ),
  perResource(
    { id: 'rds-performance-insights', title: 'RDS Performance Insights is on', mirrors: ['checkov CKV_AWS_353', 'trivy AVD-AWS-0133'], fix: 'Set performance_insights_enabled = true.' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.performance_insights_enabled) ? 'performance_insights_enabled is not true' : undefined),
  ),
  perResource(
    { id: 'rds-performance-insights-encrypted', title: 'RDS Performance Insights is encrypted with a customer-managed key', mirrors: ['checkov CKV_AWS_354'], fix: 'Set performance_insights_kms_key_id to the database key.' },
    ['aws_db_instance'],
    (b) => (isTrue(b.performance_insights_enabled) && !b.performance_insights_kms_key_id ? 'no performance_insights_kms_key_id' : undefined),
  ),
  perResource(
    { id: 'rds-copy-tags-to-snapshot', title: 'RDS copies tags to snapshots', mirrors: ['checkov CKV2_AWS_60'], fix: 'Set copy_tags_to_snapshot = true.' },
    ['aws_db_instance'],
    (b) => (!isTrue(b.copy_tags_to_snapshot) ? 'copy_tags_to_snapshot is not true' : undefined),
  ),
  perResource(
    { id: 'rds-backup-retention', title: 'RDS keeps automated backups for at least 7 days (stricter than the scanners\' 1 day)', mirrors: ['checkov CKV_AWS_133', 'trivy AVD-AWS-0077'], fix: 'Set database.backupRetentionDays to 7 or more.' },
    ['aws_db_instance'],
    (b) => (!(Number(b.backup_retention_period) >= 7) ? `backup_retention_period is ${b.backup_retention_period ?? 'unset (1 day)'}` : undefined),
  ),
  perResource(
    { id: 'rds-current-ca', title: 'RDS uses a current certificate authority', mirrors: ['checkov CKV_AWS_211'], fix: `Set ca_cert_identifier to one of ${CURRENT_RDS_CAS.join(', ')}.` },
    ['aws_db_instance'],
    (b) => (!CURRENT_RDS_CAS.includes(b.ca_cert_identifier) ? `ca_cert_identifier is ${JSON.stringify(b.ca_cert_identifier ?? null)}` : undefined),
  ),
  perResource(
    { id: 'rds-managed-master-password', title: 'RDS manages the master password in Secrets Manager (never in state)', mirrors: ['own', 'checkov CKV_SECRET_6'], fix: 'Set manage_master_user_password = true and remove password.' },
    ['aws_db_instance'],
    (b) => (b.password !== undefined ? 'password is set: it lands in Terraform state' : !isTrue(b.manage_master_user_password) && !b.replicate_source_db ? 'manage_master_user_password is not true' : undefined),
  ),
  perResource(
    { id: 'rds-force-ssl', title: 'RDS PostgreSQL refuses unencrypted connections (rds.force_ssl = 1)', mirrors: ['checkov CKV2_AWS_69'], fix: 'Use a parameter group with rds.force_ssl = 1 (PARAMETERS in postgres-database.ts).' },
    ['aws_db_instance'],
    (b, _r, json) => {
      if (!isPostgres(b)) return undefined;
      const parameters = parametersOf(json, b);
      if (!parameters) return 'no parameter group of this stack: the engine default does not set rds.force_ssl';
      return parameters.get('rds.force_ssl') !== '1' ? `rds.force_ssl is ${parameters.get('rds.force_ssl') ?? 'unset'}` : undefined;
    },
  ),
  perResource(
    { id: 'rds-query-logging', title: 'RDS PostgreSQL logs statements (log_statement, log_min_duration_statement)', mirrors: ['checkov CKV2_AWS_30'], fix: 'Set log_statement (e.g. ddl) and log_min_duration_statement in the parameter group.' },
    ['aws_db_instance'],
    (b, _r, json) => {
      if (!isPostgres(b)) return undefined;
      const parameters = parametersOf(json, b);
      const missing = ['log_statement', 'log_min_duration_statement'].filter((name) => !parameters?.has(name) || parameters.get(name) === 'none' || parameters.get(name) === '-1');
      return missing.length > 0 ? `not set in the parameter group: ${missing.join(', ')}` : undefined;
    },
  ),
];

// ---------------------------------------------------------------------------------------------
// ECR, KMS, Secrets Manager, log groups, SNS

const storage: Rule[] = [
  perResource(
    { id: 'ecr-immutable-tags', title: 'ECR image tags are immutable', mirrors: ['checkov CKV_AWS_51', 'trivy AVD-AWS-0031'], fix: 'Set image_tag_mutability = "IMMUTABLE".' },
    ['aws_ecr_repository'],
    (b) => (b.image_tag_mutability !== 'IMMUTABLE' ? `image_tag_mutability is ${b.image_tag_mutability ?? 'MUTABLE (default)'}` : undefined),
  ),
  perResource(
    { id: 'ecr-scan-on-push', title: 'ECR scans images on push', mirrors: ['checkov CKV_AWS_163', 'trivy AVD-AWS-0030'], fix: 'Set image_scanning_configuration { scan_on_push = true }.' },
    ['aws_ecr_repository'],
    (b) => (!isTrue(b.image_scanning_configuration?.scan_on_push) ? 'scan_on_push is not true' : undefined),
  ),
  perResource(
    { id: 'ecr-kms', title: 'ECR encrypts images with a customer-managed KMS key', mirrors: ['checkov CKV_AWS_136', 'trivy AVD-AWS-0033'], fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <key arn> }.' },
    ['aws_ecr_repository'],
    (b) => {
      const encryption = [b.encryption_configuration ?? []].flat()[0];
      return encryption?.encryption_type !== 'KMS' || !encryption?.kms_key ? 'not encrypted with a customer-managed KMS key' : undefined;
    },
  ),
  {
    id: 'ecr-lifecycle-policy',
    title: 'Every ECR repository has a lifecycle policy',
    mirrors: ['own', 'terraform-aws-modules/ecr default'],
    fix: 'Add an aws_ecr_lifecycle_policy for the repository (ContainerRegistry does).',
    check: (synth) =>
      resources(synth, 'aws_ecr_repository')
        .filter((repo) => !hasReferrer(synth[repo.stack], 'aws_ecr_lifecycle_policy', 'repository', repo))
        .map((repo) => finding(repo, 'no aws_ecr_lifecycle_policy refers to it: images pile up forever')),
  },
  perResource(
    { id: 'kms-rotation', title: 'KMS keys rotate yearly', mirrors: ['checkov CKV_AWS_7', 'trivy AVD-AWS-0065'], fix: 'Set enable_key_rotation = true.' },
    ['aws_kms_key'],
    (b) => (!isTrue(b.enable_key_rotation) ? 'enable_key_rotation is not true' : undefined),
  ),
  perResource(
    { id: 'kms-explicit-policy', title: 'KMS keys have an explicit key policy', mirrors: ['checkov CKV2_AWS_64'], fix: 'Set policy (EncryptionKey builds one from an aws_iam_policy_document).' },
    ['aws_kms_key'],
    (b) => (!b.policy ? 'no policy: the default key policy applies' : undefined),
  ),
  perResource(
    { id: 'secret-kms', title: 'Secrets Manager secrets are encrypted with a customer-managed KMS key', mirrors: ['checkov CKV_AWS_149', 'trivy AVD-AWS-0098'], fix: 'Set kms_key_id.' },
    ['aws_secretsmanager_secret'],
    (b) => (!b.kms_key_id ? 'no kms_key_id: encrypted with aws/secretsmanager' : undefined),
  ),
  {
    id: 'secret-rotation',
    title: 'Secrets Manager secrets rotate automatically',
    mirrors: ['checkov CKV2_AWS_57'],
    fix: 'Add an aws_secretsmanager_secret_rotation, or record a waiver that says how the secret is rotated.',
    check: (synth) =>
      resources(synth, 'aws_secretsmanager_secret')
        .filter((secret) => !hasReferrer(synth[secret.stack], 'aws_secretsmanager_secret_rotation', 'secret_id', secret))
        .map((secret) => finding(secret, 'no aws_secretsmanager_secret_rotation refers to it')),
  },
  perResource(
    { id: 'log-group-kms', title: 'CloudWatch log groups are encrypted with a customer-managed KMS key', mirrors: ['checkov CKV_AWS_158', 'trivy AVD-AWS-0017'], fix: 'Set kms_key_id (the observability key).' },
    ['aws_cloudwatch_log_group'],
    (b) => (!b.kms_key_id ? 'no kms_key_id' : undefined),
  ),
  perResource(
    { id: 'log-group-retention', title: 'CloudWatch log groups keep logs for at least a year', mirrors: ['checkov CKV_AWS_338', 'checkov CKV_AWS_66'], fix: 'Set retention_in_days to 365 or more (logRetentionDays / flowLogRetentionDays).' },
    ['aws_cloudwatch_log_group'],
    (b) => (b.retention_in_days === undefined ? 'no retention_in_days' : Number(b.retention_in_days) !== 0 && Number(b.retention_in_days) < 365 ? `retention_in_days is ${b.retention_in_days}` : undefined),
  ),
  perResource(
    { id: 'sns-kms', title: 'SNS topics are encrypted', mirrors: ['checkov CKV_AWS_26', 'trivy AVD-AWS-0095'], fix: 'Set kms_master_key_id (a customer-managed key, so CloudWatch and RDS may publish).' },
    ['aws_sns_topic'],
    (b) => (!b.kms_master_key_id ? 'no kms_master_key_id' : undefined),
  ),
];

// ---------------------------------------------------------------------------------------------
// IAM

/**
 * Actions with no resource-level permissions: IAM only accepts `"Resource": "*"` for them, so
 * the wildcard-resource rule allows it (checkov CKV_AWS_356 has the same exemption list idea).
 * Keep this list small and add an entry only with the AWS service authorization reference open.
 */
export const UNSCOPABLE_ACTIONS = [
  'ecr:GetAuthorizationToken',
  // The pipeline finds a service's ARN by name (main's CI role); the list actions of App Runner
  // have no resource type in the Service Authorization Reference (list_awsapprunner).
  'apprunner:ListServices',
  // npm run ecs-domains in ECS Express environments (CI role): ACM's list action and Elastic Load
  // Balancing's Describe* actions have no resource type in the Service Authorization Reference.
  'acm:ListCertificates',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeRules',
  'sts:GetCallerIdentity',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:DescribeLogGroups',
  'cloudwatch:PutMetricData',
];

interface PolicyUse {
  readonly resource: Resource;
  readonly attribute: string;
  readonly kind: 'identity' | 'trust' | 'resource';
  readonly document: PolicyDocument;
}

/** Every policy the synth attaches, with what kind of policy it is. */
export function policiesOf(synth: Synth): PolicyUse[] {
  const uses: PolicyUse[] = [];
  const add = (types: string[], attribute: string, kind: PolicyUse['kind']) => {
    for (const resource of resources(synth, ...types)) {
      const value = resource.body[attribute];
      if (value === undefined) continue;
      uses.push({ resource, attribute, kind, document: policyDocument(synth[resource.stack], value) });
    }
  };
  add(['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'], 'policy', 'identity');
  add(['aws_iam_role'], 'assume_role_policy', 'trust');
  add(['aws_kms_key', 'aws_ecr_repository_policy', 'aws_secretsmanager_secret_policy', 'aws_sns_topic_policy', 'aws_sns_topic', 'aws_s3_bucket_policy'], 'policy', 'resource');
  for (const role of resources(synth, 'aws_iam_role')) {
    for (const [index, inline] of [role.body.inline_policy ?? []].flat().entries()) {
      if (inline?.policy) uses.push({ resource: role, attribute: `inline_policy[${index}]`, kind: 'identity', document: policyDocument(synth[role.stack], inline.policy) });
    }
  }
  return uses;
}

function policyRule(
  rule: Omit<Rule, 'check'>,
  kinds: readonly PolicyUse['kind'][],
  problem: (statement: Statement, use: PolicyUse) => string | undefined,
): Rule {
  return {
    ...rule,
    check: (synth) =>
      policiesOf(synth)
        .filter((use) => kinds.includes(use.kind) && use.document.kind === 'resolved')
        .flatMap((use) =>
          (use.document as Extract<PolicyDocument, { kind: 'resolved' }>).statements
            .filter((s) => s.effect === 'Allow')
            .flatMap((statement, index) => {
              const message = problem(statement, use);
              const where = `${use.attribute} (${use.document.source}, statement ${statement.sid ?? index + 1})`;
              return message ? [finding(use.resource, `${where}: ${message}`)] : [];
            }),
        ),
  };
}

const isWildcardPrincipal = (p: { type: string; identifiers: readonly string[] }) =>
  (p.type === '*' || p.type === 'AWS') && p.identifiers.includes('*');

const iam: Rule[] = [
  {
    id: 'iam-policy-readable',
    title: 'Every IAM policy can be read from the synth (so the other IAM rules see it)',
    mirrors: ['own'],
    fix: 'Build the policy with an aws_iam_policy_document data source or a literal JSON string, not a computed expression.',
    check: (synth) =>
      policiesOf(synth)
        .filter((use) => use.document.kind === 'unresolved')
        .map((use) => finding(use.resource, `${use.attribute}: cannot read the policy (${(use.document as { reason: string }).reason})`)),
  },
  policyRule(
    { id: 'iam-no-admin', title: 'No policy grants "*" on "*" (full administrator)', mirrors: ['checkov CKV_AWS_1', 'checkov CKV_AWS_62', 'checkov CKV_AWS_63'], fix: 'Grant the actions the principal needs on the resources it needs.' },
    ['identity'],
    (s) => (s.actions.some((a) => a === '*' || a === '*:*') ? `allows action "${s.actions.join('", "')}"` : s.notActions.length > 0 && s.resources.includes('*') ? 'uses NotAction with resource "*"' : undefined),
  ),
  policyRule(
    { id: 'iam-no-wildcard-actions', title: 'Identity policies name their actions (no "service:*")', mirrors: ['trivy AVD-AWS-0057', 'checkov CKV_AWS_290', 'checkov CKV_AWS_355'], fix: 'List the actions instead of a service wildcard.' },
    ['identity'],
    (s) => {
      const wild = s.actions.filter((a) => /(^|:)\*$/.test(a) && a !== '*');
      return wild.length > 0 ? `allows every action of ${wild.join(', ')}` : undefined;
    },
  ),
  policyRule(
    { id: 'iam-no-wildcard-resource', title: 'Identity policies scope resources ("*" only for actions without resource-level permissions)', mirrors: ['checkov CKV_AWS_356', 'checkov CKV_AWS_111', 'trivy AVD-AWS-0057'], fix: 'Name the resources (ARNs), or move the action to UNSCOPABLE_ACTIONS if IAM truly has no resource for it.' },
    ['identity'],
    (s) => {
      if (!s.resources.includes('*') || s.conditions.length > 0) return undefined;
      const scopable = s.actions.filter((a) => !UNSCOPABLE_ACTIONS.some((u) => actionMatches(a, u) && !a.includes('*')));
      return scopable.length > 0 ? `allows ${scopable.join(', ')} on resource "*"` : undefined;
    },
  ),
  policyRule(
    { id: 'iam-trust-no-wildcard-principal', title: 'Roles can be assumed only by named principals', mirrors: ['checkov CKV_AWS_60', 'checkov CKV_AWS_61'], fix: 'Name the service, account or federated provider in the trust policy.' },
    ['trust'],
    (s) => (s.principals.some(isWildcardPrincipal) || s.principals.some((p) => p.identifiers.some((i) => i === '*')) ? 'any principal may assume the role' : undefined),
  ),
  policyRule(
    { id: 'iam-github-oidc-subject', title: 'GitHub OIDC trust names one repository in the token subject and the STS audience', mirrors: ['checkov CKV_AWS_358'], fix: 'Add StringEquals token.actions.githubusercontent.com:sub = repo:<owner>/<repo>:ref:refs/heads/<branch> and :aud = sts.amazonaws.com.' },
    ['trust'],
    (s) => {
      if (!s.actions.includes('sts:AssumeRoleWithWebIdentity')) return undefined;
      const federated = s.principals.filter((p) => p.type === 'Federated').flatMap((p) => p.identifiers);
      const github = federated.some((id) => id.includes('token.actions.githubusercontent.com') || id.includes('aws_iam_openid_connect_provider') || id.includes('data.aws_iam_openid_connect_provider'));
      if (!github) return undefined;
      const subjects = s.conditions.filter((c) => c.variable === 'token.actions.githubusercontent.com:sub');
      const audiences = s.conditions.filter((c) => c.variable === 'token.actions.githubusercontent.com:aud');
      if (subjects.length === 0) return 'no condition on token.actions.githubusercontent.com:sub: every GitHub repository may assume the role';
      const unsafe = subjects.flatMap((c) => c.values).filter((v) => !/^repo:[^*/:]+\/[^*/:]+:/.test(v));
      if (unsafe.length > 0) return `subject ${unsafe.map((v) => JSON.stringify(v)).join(', ')} does not pin one owner/repository`;
      if (!audiences.some((c) => c.values.length > 0 && c.values.every((v) => v === 'sts.amazonaws.com'))) return 'no condition on token.actions.githubusercontent.com:aud = sts.amazonaws.com';
      return undefined;
    },
  ),
  policyRule(
    { id: 'resource-policy-not-public', title: 'Key, repository, secret and topic policies do not allow any principal', mirrors: ['checkov CKV_AWS_33', 'checkov CKV_AWS_32'], fix: 'Name the account root, roles or services in the resource policy.' },
    ['resource'],
    (s) => (s.principals.some(isWildcardPrincipal) && s.conditions.length === 0 ? 'allows principal "*" without a condition' : undefined),
  ),
  perResource(
    { id: 'iam-no-admin-managed-policy', title: 'No role gets the AdministratorAccess or IAMFullAccess managed policy', mirrors: ['checkov CKV_AWS_274'], fix: 'Attach a policy with the actions the role needs.' },
    ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'],
    (b) => (/:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(String(b.policy_arn)) ? `attaches ${b.policy_arn}` : undefined),
  ),
];

// ---------------------------------------------------------------------------------------------
// Network

const PUBLIC_V4 = '0.0.0.0/0';
const PUBLIC_V6 = '::/0';
const isAllPorts = (rule: Record<string, any>) =>
  String(rule.ip_protocol ?? rule.protocol) === '-1' || String(rule.ip_protocol ?? rule.protocol) === 'all' ||
  (Number(rule.from_port) === 0 && (Number(rule.to_port) === 65535 || Number(rule.to_port) === 0));

/** Every security group rule: separate rule resources and inline blocks, with their direction. */
function securityGroupRules(synth: Synth): { resource: Resource; direction: 'ingress' | 'egress'; rule: Record<string, any>; label: string }[] {
  const found: ReturnType<typeof securityGroupRules> = [];
  for (const r of resources(synth, 'aws_vpc_security_group_ingress_rule')) found.push({ resource: r, direction: 'ingress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_vpc_security_group_egress_rule')) found.push({ resource: r, direction: 'egress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_security_group_rule')) found.push({ resource: r, direction: r.body.type === 'egress' ? 'egress' : 'ingress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      [r.body[direction] ?? []].flat().forEach((rule: any, index: number) => found.push({ resource: r, direction, rule, label: `${direction}[${index}]: ` }));
    }
  }
  return found;
}

const opensTo = (rule: Record<string, any>) =>
  [rule.cidr_ipv4, rule.cidr_ipv6, ...[rule.cidr_blocks ?? []].flat(), ...[rule.ipv6_cidr_blocks ?? []].flat()].filter((c) => c === PUBLIC_V4 || c === PUBLIC_V6);

const network: Rule[] = [
  {
    id: 'sg-no-public-ingress',
    title: 'No security group admits traffic from the whole internet',
    mirrors: ['checkov CKV_AWS_24', 'checkov CKV_AWS_25', 'checkov CKV_AWS_260', 'checkov CKV_AWS_277', 'trivy AVD-AWS-0107'],
    fix: 'Admit a security group (referenced_security_group_id) or a named CIDR; public traffic enters through Cloudflare and App Runner.',
    check: (synth) =>
      securityGroupRules(synth)
        .filter((r) => r.direction === 'ingress' && opensTo(r.rule).length > 0)
        .map((r) => finding(r.resource, `${r.label}ingress from ${opensTo(r.rule).join(', ')} on ${r.rule.from_port ?? 'all'}-${r.rule.to_port ?? 'all'}/${r.rule.ip_protocol ?? r.rule.protocol}`)),
  },
  {
    id: 'sg-no-unrestricted-egress',
    title: 'No security group allows every port and protocol to the whole internet',
    mirrors: ['checkov CKV_AWS_382', 'trivy AVD-AWS-0104'],
    fix: 'Allow the ports the workload needs (443 for HTTPS).',
    check: (synth) =>
      securityGroupRules(synth)
        .filter((r) => r.direction === 'egress' && opensTo(r.rule).length > 0 && isAllPorts(r.rule))
        .map((r) => finding(r.resource, `${r.label}egress to ${opensTo(r.rule).join(', ')} on every port`)),
  },
  {
    id: 'sg-descriptions',
    title: 'Security groups and their rules say what they are for',
    mirrors: ['checkov CKV_AWS_23', 'trivy AVD-AWS-0099', 'trivy AVD-AWS-0124'],
    fix: 'Set description on the group and on every rule.',
    check: (synth) => [
      ...resources(synth, 'aws_security_group').filter((g) => !g.body.description).map((g) => finding(g, 'the group has no description')),
      ...securityGroupRules(synth).filter((r) => !r.rule.description).map((r) => finding(r.resource, `${r.label}${r.direction} rule has no description`)),
    ],
  },
  {
    id: 'vpc-default-security-group-closed',
    title: 'The default security group of every VPC has no rules',
    mirrors: ['checkov CKV2_AWS_12'],
    fix: 'Add an aws_default_security_group for the VPC with ingress = [] and egress = [] (Network does).',
    check: (synth) =>
      resources(synth, 'aws_vpc').flatMap((vpc) => {
        const groups = Object.values(synth[vpc.stack].resource?.aws_default_security_group ?? {}).filter((g: any) =>
          referencesIn(g.vpc_id).some((r) => r.address === vpc.address),
        );
        if (groups.length === 0) return [finding(vpc, 'no aws_default_security_group: the default group allows all traffic between its members')];
        return groups.some((g: any) => [g.ingress ?? []].flat().length > 0 || [g.egress ?? []].flat().length > 0)
          ? [finding(vpc, 'its aws_default_security_group has rules')]
          : [];
      }),
  },
  {
    id: 'vpc-flow-logs',
    title: 'Every VPC logs all its traffic',
    mirrors: ['checkov CKV2_AWS_11', 'trivy AVD-AWS-0178'],
    fix: 'Add an aws_flow_log with vpc_id = the VPC and traffic_type = "ALL" (Network does).',
    check: (synth) =>
      resources(synth, 'aws_vpc').flatMap((vpc) => {
        const logs = Object.values(synth[vpc.stack].resource?.aws_flow_log ?? {}).filter((l: any) =>
          referencesIn(l.vpc_id).some((r) => r.address === vpc.address),
        );
        if (logs.length === 0) return [finding(vpc, 'no aws_flow_log refers to it')];
        return logs.some((l: any) => l.traffic_type === 'ALL') ? [] : [finding(vpc, 'its flow log does not record traffic_type ALL')];
      }),
  },
  perResource(
    { id: 'subnet-no-public-ip', title: 'Subnets do not hand out public IPs', mirrors: ['checkov CKV_AWS_130', 'trivy AVD-AWS-0164'], fix: 'Set map_public_ip_on_launch = false.' },
    ['aws_subnet'],
    (b) => (isTrue(b.map_public_ip_on_launch) ? 'map_public_ip_on_launch = true' : undefined),
  ),
];

// ---------------------------------------------------------------------------------------------
// Project rules: state, Cloudflare, secrets

const TLS_SETTINGS: Record<string, (value: any) => string | undefined> = {
  ssl: (v) => (v === 'strict' || v === 'strict_origin_pull' ? undefined : `ssl is ${JSON.stringify(v)}, expected "strict" (Full (strict))`),
  always_use_https: (v) => (v === 'on' ? undefined : `always_use_https is ${JSON.stringify(v)}`),
  min_tls_version: (v) => (['1.2', '1.3'].includes(String(v)) ? undefined : `min_tls_version is ${JSON.stringify(v)}, expected 1.2 or 1.3`),
  tls_1_3: (v) => (v === 'on' || v === 'zrt' ? undefined : `tls_1_3 is ${JSON.stringify(v)}`),
  security_header: (v) => {
    const hsts = v?.strict_transport_security;
    if (!isTrue(hsts?.enabled)) return 'HSTS is not enabled';
    return Number(hsts.max_age) < 15552000 ? `HSTS max_age is ${hsts.max_age} s, expected at least 6 months (15552000)` : undefined;
  },
};

/** Cloudflare managed rulesets the zone owner must execute. */
export const REQUIRED_WAF_RULESETS = {
  efb7b8c949ac4650a09736fc376e9aee: 'Cloudflare Managed Ruleset',
  '4814384a9e5d4991b9815dcfc25d2f1f': 'Cloudflare OWASP Core Ruleset',
} as const;

const SECRET_KEY = /(^|_)(password|passwd|secret|secret_key|token|api_key|apikey|private_key|access_key|client_secret|credentials?)$/i;
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'a private key'],
  [/\b(ghp|gho|ghs|ghu)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bsk_live_[A-Za-z0-9]{16,}/, 'a Stripe live key'],
];
/** Attributes that name or point at a secret rather than hold one. */
const SECRET_POINTERS = /(_arn|_id|_ids|_name|secret_string_wo_version|manage_master_user_password|_kms_key_id|_secrets)$/i;
const readsSecretValue = (text: string) =>
  interpolations(text).some((expr) => /\baws_secretsmanager_secret_version\.[A-Za-z0-9_-]+\.secret_(string|binary)\b|\brandom_password\.[A-Za-z0-9_-]+\.result\b/.test(expr));

function plaintextSecrets(synth: Synth): RawFinding[] {
  const found: RawFinding[] = [];
  const add = (stack: string, address: string, message: string) => found.push({ stack, address, message });
  for (const stack of Object.keys(synth).sort()) {
    const json = synth[stack];
    const scan = (address: string, value: unknown, where: { environment?: boolean } = {}) =>
      walkStrings(value, (text, path) => {
        const key = path.split(/[.[\]]/).filter(Boolean).pop() ?? '';
        for (const [pattern, what] of SECRET_PATTERNS) if (pattern.test(text)) add(stack, address, `${path} holds ${what}`);
        const secretish = SECRET_KEY.test(key) && !SECRET_POINTERS.test(key) && !/^\d+$/.test(key);
        if (secretish && text !== '' && !isInterpolation(text) && !/^(true|false)$/.test(text)) add(stack, address, `${path} is a literal value`);
        if (where.environment && readsSecretValue(text)) add(stack, address, `${path} puts a secret value into plain configuration: inject it as a secret instead`);
      });
    for (const r of resources({ [stack]: json })) {
      const body = { ...r.body };
      scan(r.address, body);
      // Plain (not secret) configuration channels: a secret value there is readable by anyone who can describe the resource.
      for (const path of ['source_configuration.image_repository.image_configuration.runtime_environment_variables', 'environment.variables', 'environment']) {
        const value = path.split('.').reduce<any>((v, k) => (Array.isArray(v) ? v[0] : v)?.[k], body);
        if (value && typeof value === 'object') scan(`${r.address}`, value, { environment: true });
      }
      if (r.type === 'aws_ssm_parameter' && r.body.type !== 'SecureString' && readsSecretValue(String(r.body.value ?? ''))) add(stack, r.address, 'a String SSM parameter holds a secret value: use SecureString or publish the secret ARN');
      if (r.type === 'cloudflare_workers_script') {
        for (const binding of [r.body.bindings ?? []].flat()) {
          if (binding.type === 'plain_text' && readsSecretValue(String(binding.text ?? ''))) add(stack, r.address, `binding ${binding.name} is plain_text but holds a secret: use secret_text`);
        }
      }
    }
    for (const [name, provider] of Object.entries(json.provider ?? {})) scan(`provider.${name}`, provider);
    for (const [name, variable] of Object.entries(json.variable ?? {})) scan(`var.${name}`, { default: variable?.default, [name]: variable?.default });
    for (const [name, output] of Object.entries(json.output ?? {})) {
      if (!isTrue(output?.sensitive) && readsSecretValue(JSON.stringify(output?.value ?? ''))) add(stack, `output.${name}`, 'prints a secret value: mark it sensitive or output the ARN');
    }
  }
  return found;
}

const project: Rule[] = [
  {
    id: 'state-backend-encrypted',
    title: 'Remote state is encrypted at rest (no state bucket is created by these stacks; the backend is checked instead)',
    mirrors: ['own', 'checkov CKV_AWS_19 (for a state bucket)'],
    fix: 'Set encrypt = true (and a kms_key_id) on the S3 backend, or use Terraform Cloud.',
    check: (synth) =>
      Object.keys(synth).sort().flatMap((stack) => {
        const s3 = synth[stack].terraform?.backend?.s3;
        return s3 && !isTrue(s3.encrypt) && !s3.kms_key_id ? [{ stack, address: 'terraform.backend.s3', message: 'the S3 backend does not set encrypt = true' }] : [];
      }),
  },
  {
    id: 'cloudflare-tls',
    title: 'The zone serves HTTPS only with Full (strict) TLS to the origin, TLS 1.2 minimum, TLS 1.3 and HSTS',
    mirrors: ['own'],
    fix: 'Keep ZoneSettings in the zone owner\'s edge stack with its defaults.',
    check: (synth, context) => {
      const settings = resources(synth, 'cloudflare_zone_setting');
      const wrong = settings.flatMap((s) => {
        const test = TLS_SETTINGS[s.body.setting_id];
        const problem = test?.(s.body.value);
        return problem ? [finding(s, problem)] : [];
      });
      if (!context.zoneOwner || !synth.edge) return wrong;
      const present = new Set(settings.filter((s) => s.stack === 'edge').map((s) => s.body.setting_id));
      const missing = Object.keys(TLS_SETTINGS).filter((id) => !present.has(id));
      return [...wrong, ...(missing.length ? [{ stack: 'edge', address: 'cloudflare_zone_setting', message: `the zone owner sets no ${missing.join(', ')}: Cloudflare's defaults apply (ssl "full" does not verify the origin certificate)` }] : [])];
    },
  },
  {
    id: 'cloudflare-waf',
    title: 'The zone runs the Cloudflare Managed and OWASP Core rulesets',
    mirrors: ['own'],
    fix: 'Keep ManagedWaf in the zone owner\'s edge stack; do not disable its rules.',
    check: (synth, context) => {
      const managed = resources(synth, 'cloudflare_ruleset').filter((r) => r.body.phase === 'http_request_firewall_managed');
      const problems: RawFinding[] = [];
      for (const ruleset of managed) {
        for (const rule of ruleset.body.rules ?? []) {
          const id = rule.action_parameters?.id as keyof typeof REQUIRED_WAF_RULESETS;
          if (REQUIRED_WAF_RULESETS[id] && (rule.enabled === false || rule.action !== 'execute')) problems.push(finding(ruleset, `${REQUIRED_WAF_RULESETS[id]} is not executed (enabled ${rule.enabled}, action ${rule.action})`));
          if (REQUIRED_WAF_RULESETS[id] && rule.action_parameters?.overrides?.enabled === false) problems.push(finding(ruleset, `${REQUIRED_WAF_RULESETS[id]} is overridden to disabled`));
        }
      }
      if (context.zoneOwner && synth.edge) {
        const executed = new Set(managed.flatMap((r) => (r.body.rules ?? []).filter((rule: any) => rule.enabled !== false && rule.action === 'execute').map((rule: any) => rule.action_parameters?.id)));
        const missing = Object.entries(REQUIRED_WAF_RULESETS).filter(([id]) => !executed.has(id)).map(([, name]) => name);
        if (missing.length > 0) problems.push({ stack: 'edge', address: 'cloudflare_ruleset', message: `the zone owner does not execute ${missing.join(' and ')} in http_request_firewall_managed` });
      }
      return problems;
    },
  },
  perResource(
    { id: 'cloudflare-origin-proxied', title: 'Hostnames that point at the origin go through Cloudflare (proxied), so the WAF sees them', mirrors: ['own'], fix: 'Set proxied = true and ttl = 1 on the record (OriginDns does for domains.public and domains.apiOrigin).' },
    ['cloudflare_dns_record', 'cloudflare_record'],
    (b) => (['A', 'AAAA', 'CNAME'].includes(b.type) && !String(b.name ?? '').startsWith('_') && !isTrue(b.proxied) ? `${b.type} ${b.name} is not proxied: it bypasses the WAF and exposes the origin` : undefined),
  ),
  {
    id: 'no-plaintext-secrets',
    title: 'No secret value in the synthesized configuration, in plain settings or in outputs',
    mirrors: ['own', 'checkov CKV_SECRET_2', 'checkov CKV_SECRET_13', 'checkov CKV_AWS_41', 'checkov CKV_AWS_45'],
    fix: 'Keep the value in Secrets Manager; pass its ARN, inject it as a secret (runtime_environment_secrets, secret_text binding), mark outputs sensitive.',
    check: plaintextSecrets,
  },
];

/** Every rule of the gate, in report order. */
export const RULES: readonly Rule[] = [...rds, ...storage, ...iam, ...network, ...project];
