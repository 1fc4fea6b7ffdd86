/**
 * Every AWS identity of one environment, one per purpose (docs/pipeline.md, "Who may do what"):
 *
 * | role | can | trusted for |
 * |---|---|---|
 * | `github-pr-plan` | read (no secret but the edge's origin verification values) | GitHub `pull_request` |
 * | `github-push` | push images to the environment's repositories, read their scans | the deploy branch |
 * | `github-release` | write the release pointers, read alarms and services (release, rollback, watch) | the environment's GitHub environment |
 * | `tfc-plan` | read (and the secret values Terraform's refresh reads) | Terraform Cloud `run_phase:plan` of the environment's workspaces |
 * | `tfc-apply` | deploy, inside the environment's permissions boundary | Terraform Cloud `run_phase:apply` of the environment's workspaces |
 *
 * and the permissions boundary (`<project>-<env>-boundary`) that the apply role and every role a
 * deploy creates carry. Only the release and apply roles can change the environment, and each is
 * trusted only where the environment's protection applies: its GitHub environment (production's
 * required reviewers) and its own workspaces' apply phase.
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { ComputeEngine } from '../compute/engines';
import { PolicyStatements } from '../iam';
import { type Naming, STACK_IDS } from '../naming';
import { type AccountOidcProviders, GITHUB_ISSUER, terraformCloudIssuer } from './oidc';
import { OidcRole } from './oidc-role';
import { boundaryStatements, pushStatements, readOnlyStatements, releaseStatements } from './policies';

/** The purposes of an environment's roles, in the order above. */
export const ROLE_PURPOSES = ['github-pr-plan', 'github-push', 'github-release', 'tfc-plan', 'tfc-apply'] as const;
export type RolePurpose = (typeof ROLE_PURPOSES)[number];

/** The name of an environment's role for `purpose` (`drop-staging-github-release`). */
export function roleName(naming: Naming, purpose: RolePurpose): string {
  return naming.resource(purpose);
}

/** The ARN of an environment's role for `purpose`: the workflows assume it by this name. */
export function roleArn(naming: Naming, accountId: string, purpose: RolePurpose): string {
  return `arn:aws:iam::${accountId}:role/${roleName(naming, purpose)}`;
}

/** The ARN of an environment's permissions boundary. */
export function boundaryArn(naming: Naming, accountId: string): string {
  return `arn:aws:iam::${accountId}:policy/${naming.resource('boundary')}`;
}

/** The identities the bootstrap makes in an account for an environment: its roles and its boundary. */
export function controlPlaneArns(naming: Naming, accountId: string): string[] {
  return [...ROLE_PURPOSES.map((purpose) => roleArn(naming, accountId, purpose)), boundaryArn(naming, accountId)];
}

/** The token subjects of an environment's workspaces for a Terraform Cloud run phase. */
export function terraformCloudSubjects(
  tfc: { readonly organization: string; readonly project: string },
  naming: Naming,
  phase: 'plan' | 'apply',
): string[] {
  return STACK_IDS.map(
    (stack) => `organization:${tfc.organization}:project:${tfc.project}:workspace:${naming.workspace(stack)}:run_phase:${phase}`,
  );
}

export interface EnvironmentIdentitiesProps {
  readonly naming: Naming;
  readonly accountId: string;
  readonly region: string;
  readonly engine: ComputeEngine;
  /** The services whose images the environment's repositories hold. */
  readonly services: readonly string[];
  readonly github: {
    /** `owner/name`. */
    readonly repository: string;
    readonly deployBranch: string;
    /** The GitHub environment of the environment's deploy jobs. */
    readonly environment: string;
  };
  readonly terraformCloud: { readonly organization: string; readonly project: string; readonly hostname: string };
  readonly oidc: AccountOidcProviders;
  /** Secrets (by name) whose value a Terraform Cloud plan reads: those whose versions Terraform writes. */
  readonly refreshedSecrets: readonly string[];
  /** Secrets (by name) whose value any plan reads, pull requests' included: the edge's origin verification values. */
  readonly planSecrets: readonly string[];
  /** Production-tier environments of the same account this one must not touch (see `boundaryStatements`). */
  readonly protectedEnvironments: readonly string[];
  /** The bootstrap's identities in the account, which a deploy may read but not change. */
  readonly controlPlaneArns: readonly string[];
  /** The AWS provider of the environment's account. */
  readonly provider?: TerraformProvider;
}

export class EnvironmentIdentities extends Construct {
  readonly roles: Readonly<Record<RolePurpose, OidcRole>>;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: EnvironmentIdentitiesProps) {
    super(scope, id);
    const { naming, accountId, region, provider, github } = props;
    const tags = { project: naming.project, environment: naming.environment, stack: 'control', 'managed-by': 'cdktf' };
    const boundaryPolicyArn = boundaryArn(naming, accountId);
    const boundaryDocument = new PolicyStatements(
      this,
      'boundary-document',
      boundaryStatements({
        naming,
        accountId,
        boundaryArn: boundaryPolicyArn,
        protectedEnvironments: props.protectedEnvironments,
        controlPlaneArns: props.controlPlaneArns,
      }),
      provider,
    );
    this.boundary = new IamPolicy(this, 'boundary', {
      provider,
      name: naming.resource('boundary'),
      description: `The most a deploy of ${naming.resource()} may do, and every role it creates`,
      policy: boundaryDocument.json,
      tags,
    });

    const githubSubject = (claim: string) => `repo:${github.repository}:${claim}`;
    const tfc = terraformCloudIssuer(props.terraformCloud.hostname);
    const role = (
      purpose: RolePurpose,
      description: string,
      rest: Omit<ConstructorParameters<typeof OidcRole>[2], 'name' | 'description'>,
    ) => new OidcRole(this, purpose, { name: roleName(naming, purpose), description, tags, provider, ...rest });
    const read = (secretValues: readonly string[]) => readOnlyStatements({ region, accountId, secretValues });
    const repositories = { naming, region, accountId, services: props.services };

    this.roles = {
      'github-pr-plan': role('github-pr-plan', `Plans ${naming.resource()} for pull requests (read-only)`, {
        issuer: GITHUB_ISSUER,
        providerArn: props.oidc.arnOf(GITHUB_ISSUER),
        subjects: [githubSubject('pull_request')],
        statements: read(props.planSecrets),
      }),
      'github-push': role('github-push', `Pushes the images of ${naming.resource()} from ${github.deployBranch}`, {
        issuer: GITHUB_ISSUER,
        providerArn: props.oidc.arnOf(GITHUB_ISSUER),
        subjects: [githubSubject(`ref:refs/heads/${github.deployBranch}`)],
        statements: pushStatements(repositories),
      }),
      'github-release': role('github-release', `Releases and rolls back ${naming.resource()} (GitHub environment ${github.environment})`, {
        issuer: GITHUB_ISSUER,
        providerArn: props.oidc.arnOf(GITHUB_ISSUER),
        subjects: [githubSubject(`environment:${github.environment}`)],
        statements: releaseStatements({ ...repositories, engine: props.engine }),
      }),
      'tfc-plan': role('tfc-plan', `Plans the ${naming.resource()} workspaces in Terraform Cloud (read-only)`, {
        issuer: tfc,
        providerArn: props.oidc.arnOf(tfc),
        subjects: terraformCloudSubjects(props.terraformCloud, naming, 'plan'),
        statements: read([...props.refreshedSecrets, ...props.planSecrets]),
      }),
      'tfc-apply': role('tfc-apply', `Applies the ${naming.resource()} workspaces in Terraform Cloud`, {
        issuer: tfc,
        providerArn: props.oidc.arnOf(tfc),
        subjects: terraformCloudSubjects(props.terraformCloud, naming, 'apply'),
        // Everything, inside the boundary (which also binds every role this one creates).
        statements: [{ sid: 'Deploy', effect: 'Allow', actions: ['*'], resources: ['*'] }],
        permissionsBoundary: this.boundary.arn,
        // A first apply of a data stack (RDS Multi-AZ) can take most of an hour.
        maxSessionDurationSeconds: 2 * 3600,
      }),
    };
  }
}
