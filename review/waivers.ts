/**
 * The recorded exceptions to the policy gate. Each one is visible in the review report with its
 * reason; one that stops matching a finding fails the gate until it is removed.
 */
import type { Waiver } from './policy/gate';

const DATABASE = 'aws_db_instance.database_instance_D7FC2283';

export const WAIVERS: readonly Waiver[] = [
  {
    rule: 'rds-multi-az',
    environment: 'staging',
    stack: 'data',
    address: DATABASE,
    reason:
      'Staging runs single-AZ by decision (README, "The database"): it holds test data only, and an AZ outage stops testing, not customers. ' +
      'The schema refuses multiAz = false for tier "production".',
  },
  {
    rule: 'rds-deletion-protection',
    environment: 'staging',
    stack: 'data',
    address: DATABASE,
    reason:
      'Staging is meant to be torn down and rebuilt (no deletion protection, no final snapshot). Production has deletion protection, ' +
      'a final snapshot and prevent_destroy; the schema refuses deletionProtection = false for tier "production".',
  },
  {
    rule: 'log-group-retention',
    environment: 'staging',
    stack: 'data',
    address: 'aws_cloudwatch_log_group.*',
    reason:
      'Staging keeps database and flow logs 30 days (logRetentionDays, flowLogRetentionDays): test traffic only, and a year of it costs ' +
      'without serving an audit. Production keeps 365 days.',
  },
  {
    rule: 'secret-rotation',
    environment: '*',
    stack: 'data',
    address: 'aws_secretsmanager_secret.app-secrets_*',
    reason:
      'The app secrets come from outside AWS (BankID client credentials, Sentry DSN) or get a first generated value written once, write-only (JWT, origin verify), and are ' +
      'rotated with the README procedure: a rotation Lambda cannot re-issue them at BankID or Sentry, and an origin-verify rotation must ' +
      're-apply the edge stacks. The database master secret is rotated by RDS itself (not a Terraform secret).',
  },
  {
    rule: 'cloudflare-origin-proxied',
    // The ECS Express environment; another one adds itself here.
    environment: 'production-stockholm',
    stack: 'edge',
    address: 'cloudflare_dns_record.dns_origin-*',
    reason:
      "ECS Express only: origin.<domain> is the DNS-only name Cloudflare's origin health check connects to, so that TLS to the origin " +
      'verifies (the custom-domain certificate covers it; Cloudflare does not document whether a health check sends Host or address as SNI). ' +
      "It names the ingress Network Load Balancer, whose security group admits Cloudflare's ranges only, and the services refuse " +
      'every request without X-Origin-Verify except their health paths (docs/edge.md, "Origin health").',
  },
];
