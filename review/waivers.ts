/**
 * The recorded exceptions to the policy gate. Each one is visible in the review report with its
 * reason; one that stops matching a finding fails the gate until it is removed.
 */
import type { Waiver } from './policy/gate';

const DATABASE = 'aws_db_instance.database_instance_D7FC2283';

export const WAIVERS: readonly Waiver[] = [
  {
    rule: 'rds-multi-az',
    tier: 'staging',
    stack: 'data',
    address: DATABASE,
    reason:
      'Staging runs single-AZ by decision (README, "The database"): it holds test data only, and an AZ outage stops testing, not customers. ' +
      'The schema refuses multiAz = false for tier "production".',
  },
  {
    rule: 'rds-deletion-protection',
    tier: 'staging',
    stack: 'data',
    address: DATABASE,
    reason:
      'Staging is meant to be torn down and rebuilt (no deletion protection, no final snapshot). Production has deletion protection, ' +
      'a final snapshot and prevent_destroy; the schema refuses deletionProtection = false for tier "production".',
  },
  {
    rule: 'log-group-retention',
    tier: 'staging',
    stack: 'data',
    address: 'aws_cloudwatch_log_group.*',
    reason:
      'Staging keeps database and flow logs 30 days (logRetentionDays, flowLogRetentionDays): test traffic only, and a year of it costs ' +
      'without serving an audit. Production keeps 365 days.',
  },
  {
    rule: 'secret-rotation',
    tier: '*',
    stack: 'data',
    address: 'aws_secretsmanager_secret.app-secrets_*',
    reason:
      'The app secrets come from outside AWS (BankID client credentials, Sentry DSN) or get a first generated value written once, write-only (JWT, origin verify), and are ' +
      'rotated with the README procedure: a rotation Lambda cannot re-issue them at BankID or Sentry, and an origin-verify rotation must ' +
      're-apply the edge stacks. The database master secret is rotated by RDS itself (not a Terraform secret).',
  },
  {
    rule: 'iam-no-admin',
    tier: '*',
    stack: 'control',
    address: 'aws_iam_role_policy.identities-*_tfc-apply_policy_*',
    reason:
      "The Terraform Cloud apply role deploys every resource of its environment's stacks, so it may do anything inside its permissions " +
      "boundary (drop-<env>-boundary: no other tier's resources, no control-plane identity, no role without the boundary, no users). " +
      "Only the apply phase of the environment's own workspaces can assume it, and production's runs only come from its approved deploy job.",
  },
  {
    rule: 'iam-no-wildcard-resource',
    tier: '*',
    stack: 'control',
    address: 'aws_iam_role_policy.identities-*_tfc-apply_policy_*',
    reason: 'As iam-no-admin for the same role: a deploy creates resources whose ARNs do not exist yet; the boundary limits it.',
  },
  {
    rule: 'iam-no-admin',
    tier: '*',
    stack: 'control',
    address: 'aws_iam_policy.identities-*_boundary_*',
    reason:
      'A permissions boundary allows "*" and takes away with Deny statements: it is the ceiling of the apply role and of every role a deploy ' +
      'creates, never a grant by itself.',
  },
  {
    rule: 'iam-no-wildcard-resource',
    tier: '*',
    stack: 'control',
    address: 'aws_iam_policy.identities-*_boundary_*',
    reason: 'As iam-no-admin for the same boundary: its Allow is the ceiling, its Deny statements do the work.',
  },
  {
    rule: 'iam-no-wildcard-resource',
    tier: '*',
    stack: 'control',
    address: 'aws_iam_role_policy.identities-*_*-plan_policy_*',
    reason:
      "A plan reads every resource and data source of the environment's stacks, so the plan roles (Terraform Cloud's and pull requests') " +
      'may Describe, Get and List the services those stacks use; log contents and secret values (but the ones a plan reads) are denied.',
  },
  {
    rule: 'cloudflare-origin-proxied',
    // Every ECS Express environment (the record exists only there), whatever its tier.
    tier: '*',
    stack: 'edge',
    address: 'cloudflare_dns_record.dns_origin-*',
    reason:
      "ECS Express only: origin.<domain> is the DNS-only name Cloudflare's origin health check connects to, so that TLS to the origin " +
      'verifies (the custom-domain certificate covers it; Cloudflare does not document whether a health check sends Host or address as SNI). ' +
      "It names the ingress Network Load Balancer, whose security group admits Cloudflare's ranges only, and the services refuse " +
      'every request without X-Origin-Verify except their health paths (docs/edge.md, "Origin health").',
  },
];
