/** IAM: readable policies, no admin, no wildcards where a resource can be named, narrow trust. */
import {
  type PolicyDocument,
  type Resource,
  type Statement,
  type Synth,
  type TerraformJson,
  actionMatches,
  policyDocument,
  resources,
} from '../../terraform';
import { type Rule, finding, perResource } from './kit';
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
  // npm run db:migrate registers the migration job's task definition (release role).
  'ecs:RegisterTaskDefinition',
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
  /** The stack the policy is in. */
  readonly json: TerraformJson;
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
      uses.push({ resource, json: synth[resource.stack], attribute, kind, document: policyDocument(synth[resource.stack], value) });
    }
  };
  add(['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'], 'policy', 'identity');
  add(['aws_iam_role'], 'assume_role_policy', 'trust');
  add(
    [
      'aws_kms_key',
      'aws_ecr_repository_policy',
      'aws_secretsmanager_secret_policy',
      'aws_sns_topic_policy',
      'aws_sns_topic',
      'aws_s3_bucket_policy',
    ],
    'policy',
    'resource',
  );
  for (const role of resources(synth, 'aws_iam_role')) {
    for (const [index, inline] of [role.body.inline_policy ?? []].flat().entries()) {
      if (inline?.policy)
        uses.push({
          resource: role,
          json: synth[role.stack],
          attribute: `inline_policy[${index}]`,
          kind: 'identity',
          document: policyDocument(synth[role.stack], inline.policy),
        });
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

/**
 * The OIDC issuer host of the web identity a trust statement accepts: its federated principal
 * names a provider by ARN, or refers to an `aws_iam_openid_connect_provider` (resource or data
 * source) of the stack, whose URL is the issuer. Undefined when the statement is no web identity
 * trust; `unknown` when it refers to a provider the stack does not hold.
 */
function webIdentityIssuer(json: TerraformJson, statement: Statement): string | undefined {
  if (!statement.actions.includes('sts:AssumeRoleWithWebIdentity')) return undefined;
  for (const identifier of statement.principals.filter((p) => p.type === 'Federated').flatMap((p) => p.identifiers)) {
    const named = /:oidc-provider\/(.+)$/.exec(identifier);
    if (named) return named[1];
    const reference = /(data\.)?aws_iam_openid_connect_provider\.([A-Za-z0-9_-]+)\.arn/.exec(identifier);
    if (!reference) continue;
    const provider = (reference[1] ? json.data : json.resource)?.aws_iam_openid_connect_provider?.[reference[2]];
    return provider === undefined ? 'unknown' : String(provider.url ?? '').replace(/^https:\/\//, '');
  }
  return undefined;
}

const GITHUB = 'token.actions.githubusercontent.com';
/** Terraform Cloud's issuer: HCP Terraform's host, or a Terraform Enterprise host. */
const isTerraformCloud = (issuer: string) => issuer === 'app.terraform.io' || /(^|\.)tfe\.|terraform/.test(issuer);

const isWildcardPrincipal = (p: { type: string; identifiers: readonly string[] }) =>
  (p.type === '*' || p.type === 'AWS') && p.identifiers.includes('*');

export const iamRules: Rule[] = [
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
    {
      id: 'iam-no-admin',
      title: 'No policy grants "*" on "*" (full administrator)',
      mirrors: ['checkov CKV_AWS_1', 'checkov CKV_AWS_62', 'checkov CKV_AWS_63'],
      fix: 'Grant the actions the principal needs on the resources it needs.',
    },
    ['identity'],
    (s) =>
      s.actions.some((a) => a === '*' || a === '*:*')
        ? `allows action "${s.actions.join('", "')}"`
        : s.notActions.length > 0 && s.resources.includes('*')
          ? 'uses NotAction with resource "*"'
          : undefined,
  ),
  policyRule(
    {
      id: 'iam-no-wildcard-actions',
      title: 'Identity policies name their actions (no "service:*")',
      mirrors: ['trivy AVD-AWS-0057', 'checkov CKV_AWS_290', 'checkov CKV_AWS_355'],
      fix: 'List the actions instead of a service wildcard.',
    },
    ['identity'],
    (s) => {
      const wild = s.actions.filter((a) => /(^|:)\*$/.test(a) && a !== '*');
      return wild.length > 0 ? `allows every action of ${wild.join(', ')}` : undefined;
    },
  ),
  policyRule(
    {
      id: 'iam-no-wildcard-resource',
      title: 'Identity policies scope resources ("*" only for actions without resource-level permissions)',
      mirrors: ['checkov CKV_AWS_356', 'checkov CKV_AWS_111', 'trivy AVD-AWS-0057'],
      fix: 'Name the resources (ARNs), or move the action to UNSCOPABLE_ACTIONS if IAM truly has no resource for it.',
    },
    ['identity'],
    (s) => {
      if (!s.resources.includes('*') || s.conditions.length > 0) return undefined;
      const scopable = s.actions.filter((a) => !UNSCOPABLE_ACTIONS.some((u) => actionMatches(a, u) && !a.includes('*')));
      return scopable.length > 0 ? `allows ${scopable.join(', ')} on resource "*"` : undefined;
    },
  ),
  policyRule(
    {
      id: 'iam-trust-no-wildcard-principal',
      title: 'Roles can be assumed only by named principals',
      mirrors: ['checkov CKV_AWS_60', 'checkov CKV_AWS_61'],
      fix: 'Name the service, account or federated provider in the trust policy.',
    },
    ['trust'],
    (s) =>
      s.principals.some(isWildcardPrincipal) || s.principals.some((p) => p.identifiers.some((i) => i === '*'))
        ? 'any principal may assume the role'
        : undefined,
  ),
  policyRule(
    {
      id: 'iam-github-oidc-subject',
      title: 'GitHub OIDC trust names one repository in the token subject and the STS audience',
      mirrors: ['checkov CKV_AWS_358'],
      fix: 'Add StringEquals token.actions.githubusercontent.com:sub = repo:<owner>/<repo>:ref:refs/heads/<branch> and :aud = sts.amazonaws.com.',
    },
    ['trust'],
    (s, use) => {
      // A provider the stack does not hold counts as GitHub's: the rule then asks for the subject.
      const issuer = webIdentityIssuer(use.json, s);
      if (issuer !== GITHUB && issuer !== 'unknown') return undefined;
      const subjects = s.conditions.filter((c) => c.variable === 'token.actions.githubusercontent.com:sub');
      const audiences = s.conditions.filter((c) => c.variable === 'token.actions.githubusercontent.com:aud');
      if (subjects.length === 0)
        return 'no condition on token.actions.githubusercontent.com:sub: every GitHub repository may assume the role';
      const unsafe = subjects.flatMap((c) => c.values).filter((v) => !/^repo:[^*/:]+\/[^*/:]+:/.test(v));
      if (unsafe.length > 0) return `subject ${unsafe.map((v) => JSON.stringify(v)).join(', ')} does not pin one owner/repository`;
      if (!audiences.some((c) => c.values.length > 0 && c.values.every((v) => v === 'sts.amazonaws.com')))
        return 'no condition on token.actions.githubusercontent.com:aud = sts.amazonaws.com';
      return undefined;
    },
  ),
  policyRule(
    {
      id: 'iam-terraform-cloud-oidc-subject',
      title: 'Terraform Cloud OIDC trust names the organization, project, workspace and run phase, and the workload audience',
      mirrors: ['own'],
      fix: 'Add StringEquals <host>:sub = organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply> and <host>:aud = aws.workload.identity.',
    },
    ['trust'],
    (s, use) => {
      const host = webIdentityIssuer(use.json, s);
      if (host === undefined || !isTerraformCloud(host)) return undefined;
      const subjects = s.conditions.filter((c) => c.variable === `${host}:sub`);
      if (subjects.length === 0) return `no condition on ${host}:sub: every workspace of every organization may assume the role`;
      const loose = subjects
        .flatMap((c) => c.values.map((v) => ({ v, like: c.test !== 'StringEquals' })))
        .filter(({ v, like }) => like || !/^organization:[^*:]+:project:[^*:]+:workspace:[^*:]+:run_phase:(plan|apply)$/.test(v));
      if (loose.length > 0)
        return `subject ${loose.map(({ v }) => JSON.stringify(v)).join(', ')} does not name one organization, project, workspace and run phase exactly`;
      if (
        !s.conditions.some(
          (c) => c.variable === `${host}:aud` && c.values.length > 0 && c.values.every((v) => v === 'aws.workload.identity'),
        )
      )
        return `no condition on ${host}:aud = aws.workload.identity`;
      return undefined;
    },
  ),
  policyRule(
    {
      id: 'resource-policy-not-public',
      title: 'Key, repository, secret and topic policies do not allow any principal',
      mirrors: ['checkov CKV_AWS_33', 'checkov CKV_AWS_32'],
      fix: 'Name the account root, roles or services in the resource policy.',
    },
    ['resource'],
    (s) => (s.principals.some(isWildcardPrincipal) && s.conditions.length === 0 ? 'allows principal "*" without a condition' : undefined),
  ),
  perResource(
    {
      id: 'iam-no-admin-managed-policy',
      title: 'No role gets the AdministratorAccess or IAMFullAccess managed policy',
      mirrors: ['checkov CKV_AWS_274'],
      fix: 'Attach a policy with the actions the role needs.',
    },
    ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'],
    (b) =>
      /:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(String(b.policy_arn)) ? `attaches ${b.policy_arn}` : undefined,
  ),
];
