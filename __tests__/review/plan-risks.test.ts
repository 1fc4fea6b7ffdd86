/**
 * The review report's stateful risk flags read from terraform's own plan output (review/plan-risks.ts):
 * the lines terraform writes (internal/command/jsonformat/plan.go, resourceChangeComment), nothing else.
 */
import { describe, expect, it } from 'vitest';
import { planRisks, typeOf } from '../../review/plan-risks';

const PLAN = `
Terraform will perform the following actions:

  # aws_db_instance.database_instance_D7FC2283 must be replaced
-/+ resource "aws_db_instance" "database_instance_D7FC2283" {
      ~ identifier = "drop-staging" -> "drop-staging-2" # forces replacement
    }

  # aws_ecr_repository.registry_api_1A2B3C4D will be destroyed
  # (because aws_ecr_repository.registry_api_1A2B3C4D is not in configuration)
  - resource "aws_ecr_repository" "registry_api_1A2B3C4D" {}

  # aws_kms_key.key_5E6F7A8B will be replaced, as requested
  # aws_secretsmanager_secret.s is tainted, so must be replaced
  # aws_cloudwatch_log_group.g will be replaced due to changes in replace_triggered_by
  # aws_s3_bucket.b must be replaced, but the existing object will not be destroyed
  # aws_dynamodb_table.t will no longer be managed by Terraform, but will not be destroyed
  # aws_security_group.sg must be replaced
  # aws_db_instance.other will be updated in-place
  # data.aws_iam_policy_document.p will be read during apply
  # module.m.aws_rds_cluster.c[0] will be destroyed

Plan: 4 to add, 1 to change, 6 to destroy.
`;

describe('the stateful risks of a plan', () => {
  it('flags every replacement and deletion of a stateful resource, and nothing that keeps its object', () => {
    expect(planRisks(PLAN).map((r) => `${r.risk.kind} ${r.address}`)).toEqual([
      'replace-stateful aws_db_instance.database_instance_D7FC2283',
      'delete-stateful aws_ecr_repository.registry_api_1A2B3C4D',
      'replace-stateful aws_kms_key.key_5E6F7A8B',
      'replace-stateful aws_secretsmanager_secret.s',
      'replace-stateful aws_cloudwatch_log_group.g',
      'delete-stateful module.m.aws_rds_cluster.c[0]',
    ]);
    expect(planRisks(PLAN)[0].risk.message).toBe(
      'replaces a stateful aws_db_instance (the plan says "must be replaced"): its data goes with the old one',
    );
  });

  it('finds none in a plan without changes', () => {
    expect(planRisks('\nNo changes. Your infrastructure matches the configuration.\n')).toEqual([]);
  });

  it('reads the resource type of module and indexed addresses, and none of a data source', () => {
    expect(typeOf('module.a.module.b.aws_db_instance.x["k"]')).toBe('aws_db_instance');
    expect(typeOf('data.aws_ssm_parameter.p')).toBeUndefined();
  });
});
