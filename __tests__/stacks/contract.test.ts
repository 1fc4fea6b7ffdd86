import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { Naming } from '../../constructs/naming';
import { CONTRACT, consume, parameterKey } from '../../stacks/contract';

describe('the stack contract', () => {
  it('names every value /<project>/<env>/<producer>/<key>', () => {
    const naming = new Naming({ project: 'drop', name: 'production' });
    const names = Object.entries(CONTRACT).flatMap(([producer, keys]) =>
      Object.keys(keys).map((key) => naming.parameter(producer as keyof typeof CONTRACT, parameterKey(key))),
    );
    expect(names).toEqual([
      '/drop/production/registry/api-repository-url',
      '/drop/production/registry/api-repository-arn',
      '/drop/production/registry/web-repository-url',
      '/drop/production/registry/web-repository-arn',
      '/drop/production/data/private-subnet-ids',
      '/drop/production/data/public-subnet-ids',
      '/drop/production/data/compute-security-group-id',
      '/drop/production/data/database-address',
      '/drop/production/data/database-port',
      '/drop/production/data/database-name',
      '/drop/production/data/database-secret-arn',
      '/drop/production/data/database-resource-id',
      '/drop/production/data/migration-cluster-arn',
      '/drop/production/data/migration-execution-role-arn',
      '/drop/production/data/migration-log-group',
      '/drop/production/data/database-key-arn',
      '/drop/production/data/alarm-topic-arn',
      '/drop/production/data/secrets-key-arn',
      '/drop/production/data/jwt-secret-arn',
      '/drop/production/data/bankid-client-id-secret-arn',
      '/drop/production/data/bankid-client-secret-secret-arn',
      '/drop/production/data/sentry-dsn-secret-arn',
      '/drop/production/data/origin-verify-secret-arn',
      '/drop/production/compute/web-dns-target',
      '/drop/production/compute/api-dns-target',
      '/drop/production/compute/web-certificate-validation-records',
      '/drop/production/compute/api-certificate-validation-records',
    ]);
  });

  it('reads a value with a data source of the name its producer publishes', () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), 'consumer');
    const naming = new Naming({ project: 'drop', name: 'staging' });
    // WHEN
    const value = consume(stack, naming, 'registry', 'apiRepositoryUrl');
    consume(stack, naming, 'registry', 'apiRepositoryUrl');
    new TerraformOutput(stack, 'value', { value });
    // THEN: one data source, however often the value is read
    const json = Testing.synth(stack);
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: '/drop/staging/registry/api-repository-url' });
    expect(Object.keys(JSON.parse(json).data.aws_ssm_parameter)).toHaveLength(1);
    expect(JSON.parse(json).output.value.value).toBe('${data.aws_ssm_parameter.contract-registry-api-repository-url.insecure_value}');
  });
});
