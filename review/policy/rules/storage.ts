/** ECR, KMS, Secrets Manager, log groups, SNS: encryption, rotation, retention, scanning. */
import { resources } from '../../terraform';
import { type Rule, finding, perResource, hasReferrer, isTrue } from './kit';
export const storageRules: Rule[] = [
  perResource(
    {
      id: 'ecr-immutable-tags',
      title: 'ECR image tags are immutable',
      mirrors: ['checkov CKV_AWS_51', 'trivy AVD-AWS-0031'],
      fix: 'Set image_tag_mutability = "IMMUTABLE".',
    },
    ['aws_ecr_repository'],
    (b) =>
      b.image_tag_mutability !== 'IMMUTABLE' ? `image_tag_mutability is ${b.image_tag_mutability ?? 'MUTABLE (default)'}` : undefined,
  ),
  perResource(
    {
      id: 'ecr-scan-on-push',
      title: 'ECR scans images on push',
      mirrors: ['checkov CKV_AWS_163', 'trivy AVD-AWS-0030'],
      fix: 'Set image_scanning_configuration { scan_on_push = true }.',
    },
    ['aws_ecr_repository'],
    (b) => (!isTrue(b.image_scanning_configuration?.scan_on_push) ? 'scan_on_push is not true' : undefined),
  ),
  perResource(
    {
      id: 'ecr-kms',
      title: 'ECR encrypts images with a customer-managed KMS key',
      mirrors: ['checkov CKV_AWS_136', 'trivy AVD-AWS-0033'],
      fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <key arn> }.',
    },
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
    {
      id: 'kms-rotation',
      title: 'KMS keys rotate yearly',
      mirrors: ['checkov CKV_AWS_7', 'trivy AVD-AWS-0065'],
      fix: 'Set enable_key_rotation = true.',
    },
    ['aws_kms_key'],
    (b) => (!isTrue(b.enable_key_rotation) ? 'enable_key_rotation is not true' : undefined),
  ),
  perResource(
    {
      id: 'kms-explicit-policy',
      title: 'KMS keys have an explicit key policy',
      mirrors: ['checkov CKV2_AWS_64'],
      fix: 'Set policy (EncryptionKey builds one from an aws_iam_policy_document).',
    },
    ['aws_kms_key'],
    (b) => (!b.policy ? 'no policy: the default key policy applies' : undefined),
  ),
  perResource(
    {
      id: 'secret-kms',
      title: 'Secrets Manager secrets are encrypted with a customer-managed KMS key',
      mirrors: ['checkov CKV_AWS_149', 'trivy AVD-AWS-0098'],
      fix: 'Set kms_key_id.',
    },
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
    {
      id: 'log-group-kms',
      title: 'CloudWatch log groups are encrypted with a customer-managed KMS key',
      mirrors: ['checkov CKV_AWS_158', 'trivy AVD-AWS-0017'],
      fix: 'Set kms_key_id (the observability key).',
    },
    ['aws_cloudwatch_log_group'],
    (b) => (!b.kms_key_id ? 'no kms_key_id' : undefined),
  ),
  perResource(
    {
      id: 'log-group-retention',
      title: 'CloudWatch log groups keep logs for at least a year',
      mirrors: ['checkov CKV_AWS_338', 'checkov CKV_AWS_66'],
      fix: 'Set retention_in_days to 365 or more (logRetentionDays / flowLogRetentionDays).',
    },
    ['aws_cloudwatch_log_group'],
    (b) =>
      b.retention_in_days === undefined
        ? 'no retention_in_days'
        : Number(b.retention_in_days) !== 0 && Number(b.retention_in_days) < 365
          ? `retention_in_days is ${b.retention_in_days}`
          : undefined,
  ),
  perResource(
    {
      id: 'sns-kms',
      title: 'SNS topics are encrypted',
      mirrors: ['checkov CKV_AWS_26', 'trivy AVD-AWS-0095'],
      fix: 'Set kms_master_key_id (a customer-managed key, so CloudWatch and RDS may publish).',
    },
    ['aws_sns_topic'],
    (b) => (!b.kms_master_key_id ? 'no kms_master_key_id' : undefined),
  ),
];
