/** The storage (ECR, KMS, Secrets Manager, log groups, SNS) rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { storageRules } from '../../../review/policy/rules/storage';
import { at } from '../fixtures';
import { type Case, onResource, ruleCases } from './kit';

const CASES: Case[] = [
  {
    rule: 'ecr-immutable-tags',
    name: 'mutable tags',
    broken: onResource('registry', 'aws_ecr_repository', 'images/api', (b) => (b.image_tag_mutability = 'MUTABLE')),
  },
  {
    rule: 'ecr-scan-on-push',
    name: 'no scan on push',
    broken: onResource('registry', 'aws_ecr_repository', 'images/api', (b) => (b.image_scanning_configuration.scan_on_push = false)),
  },
  {
    rule: 'ecr-kms',
    name: 'AES256',
    broken: onResource(
      'registry',
      'aws_ecr_repository',
      'images/web',
      (b) => (b.encryption_configuration = [{ encryption_type: 'AES256' }]),
    ),
  },
  {
    rule: 'ecr-lifecycle-policy',
    name: 'lifecycle policy removed',
    broken: (s) => {
      delete s.registry.resource!.aws_ecr_lifecycle_policy[at(s, 'registry', 'aws_ecr_lifecycle_policy', 'images/api-lifecycle').name];
      return { stack: 'registry', address: at(s, 'registry', 'aws_ecr_repository', 'images/api').address };
    },
  },
  {
    rule: 'kms-rotation',
    name: 'rotation off',
    broken: onResource('registry', 'aws_kms_key', 'images-key/key', (b) => (b.enable_key_rotation = false)),
  },
  {
    rule: 'kms-explicit-policy',
    name: 'default key policy',
    broken: onResource('data', 'aws_kms_key', 'database-key/key', (b) => delete b.policy),
  },
  {
    rule: 'secret-kms',
    name: 'aws/secretsmanager key',
    broken: onResource('data', 'aws_secretsmanager_secret', 'app-secrets/jwt-secret', (b) => delete b.kms_key_id),
  },
  {
    rule: 'secret-rotation',
    name: 'a new secret the waiver does not cover',
    broken: (s) => {
      s.data.resource!.aws_secretsmanager_secret['stripe-key'] = { name: 'drop/staging/stripe', kms_key_id: '${aws_kms_key.k.arn}' };
      return { stack: 'data', address: 'aws_secretsmanager_secret.stripe-key' };
    },
  },
  {
    rule: 'log-group-kms',
    name: 'unencrypted log group',
    broken: onResource('data', 'aws_cloudwatch_log_group', 'network/flow-logs', (b) => delete b.kms_key_id),
  },
  {
    rule: 'log-group-retention',
    name: '30 days in production',
    env: 'production',
    broken: onResource('data', 'aws_cloudwatch_log_group', 'database/postgresql-logs', (b) => (b.retention_in_days = 30)),
  },
  {
    rule: 'log-group-retention',
    name: 'no retention',
    env: 'production',
    broken: onResource('data', 'aws_cloudwatch_log_group', 'network/flow-logs', (b) => delete b.retention_in_days),
  },
  {
    rule: 'sns-kms',
    name: 'unencrypted topic',
    broken: onResource('data', 'aws_sns_topic', 'alarm-topic', (b) => delete b.kms_master_key_id),
  },
];

describe('storage (ECR, KMS, Secrets Manager, log groups, SNS) rules', () => ruleCases(storageRules, CASES));
