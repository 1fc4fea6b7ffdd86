/** The project rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { projectRules } from '../../../review/policy/rules/project';
import { at } from '../fixtures';
import { type Case, onResource, ruleCases } from './kit';

const CASES: Case[] = [
  {
    rule: 'state-backend-encrypted',
    name: 'unencrypted S3 state',
    broken: (s) => {
      (s.data.terraform as any).backend = {
        s3: { bucket: 'drop-state', key: 'drop/staging/data.tfstate', region: 'eu-west-1', encrypt: false },
      };
      return { stack: 'data', address: 'terraform.backend.s3' };
    },
  },
  {
    rule: 'cloudflare-tls',
    name: 'SSL flexible',
    env: 'production',
    broken: onResource('edge', 'cloudflare_zone_setting', 'zone-settings/ssl', (b) => (b.value = 'flexible')),
  },
  {
    rule: 'cloudflare-tls',
    name: 'TLS 1.0 allowed',
    env: 'production',
    broken: onResource('edge', 'cloudflare_zone_setting', 'zone-settings/min-tls-version', (b) => (b.value = '1.0')),
  },
  {
    rule: 'cloudflare-tls',
    name: 'HSTS off',
    env: 'production',
    broken: onResource(
      'edge',
      'cloudflare_zone_setting',
      'zone-settings/security-header',
      (b) => (b.value.strict_transport_security.enabled = false),
    ),
  },
  {
    rule: 'cloudflare-tls',
    name: 'zone owner without the settings',
    env: 'production',
    broken: (s) => {
      delete s.edge.resource!.cloudflare_zone_setting;
      return { stack: 'edge', address: 'cloudflare_zone_setting' };
    },
  },
  {
    rule: 'cloudflare-waf',
    name: 'OWASP ruleset removed',
    env: 'production',
    broken: (s) => {
      const waf = at(s, 'edge', 'cloudflare_ruleset', 'managed-waf/ruleset');
      waf.body.rules = waf.body.rules.filter((r: any) => r.ref !== 'owasp_core');
      return { stack: 'edge', address: 'cloudflare_ruleset' };
    },
  },
  {
    rule: 'cloudflare-waf',
    name: 'managed ruleset disabled',
    env: 'production',
    broken: onResource('edge', 'cloudflare_ruleset', 'managed-waf/ruleset', (b) => (b.rules[0].enabled = false)),
  },
  {
    rule: 'cloudflare-origin-proxied',
    name: 'DNS-only origin record',
    broken: onResource('edge', 'cloudflare_dns_record', 'dns/staging-getdrop-no', (b) => (b.proxied = false)),
  },
  {
    rule: 'no-plaintext-secrets',
    name: 'secret value in a plain environment variable',
    broken: onResource('compute', 'aws_apprunner_service', 'api/service', (b) => {
      b.source_configuration.image_repository.image_configuration.runtime_environment_variables.JWT =
        '${data.aws_secretsmanager_secret_version.jwt.secret_string}';
    }),
  },
  {
    rule: 'no-plaintext-secrets',
    name: 'literal secret in an environment variable',
    broken: onResource('compute', 'aws_apprunner_service', 'web/service', (b) => {
      b.source_configuration.image_repository.image_configuration.runtime_environment_variables.SENTRY_TOKEN = 'sntrys_0123456789abcdef';
    }),
  },
  {
    rule: 'no-plaintext-secrets',
    name: 'AWS access key in a description',
    broken: onResource('data', 'aws_sns_topic', 'alarm-topic', (b) => (b.display_name = 'key AKIAIOSFODNN7EXAMPLE')),
  },
  {
    rule: 'no-plaintext-secrets',
    name: 'secret printed by an output',
    env: 'production',
    broken: (s) => {
      (s.edge as any).output = { verify: { value: '${data.aws_secretsmanager_secret_version.x.secret_string}' } };
      return { stack: 'edge', address: 'output.verify' };
    },
  },
  {
    rule: 'no-plaintext-secrets',
    name: 'Worker secret as plain_text',
    env: 'production',
    // The Worker has no secret binding (the zone's transform rule sets the header): break it by adding one in plain text.
    broken: onResource('edge', 'cloudflare_workers_script', 'api-path/script', (b) =>
      b.bindings.push({
        name: 'ORIGIN_VERIFY',
        type: 'plain_text',
        text: '${data.aws_secretsmanager_secret_version.origin-verify_secret.secret_string}',
      }),
    ),
  },
];

describe('project rules', () => ruleCases(projectRules, CASES));
