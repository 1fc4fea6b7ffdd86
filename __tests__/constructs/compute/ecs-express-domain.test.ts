import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { LbListenerCertificate } from '@cdktf/provider-aws/lib/lb-listener-certificate';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { EcsExpressDomain, originCheckHostname } from '../../../constructs/compute/ecs-express-domain';
import { testApp } from '../../helpers';

/** GIVEN a stack holding only the domain of the api, and (when attached) a stand-in for its validation records. */
function domainInStack(attach: boolean) {
  const stack = new TerraformStack(testApp(), 'test');
  const domain = new EcsExpressDomain(stack, 'api-domain', {
    serviceName: 'drop-production-stockholm-api',
    region: 'eu-north-1',
    accountId: '123456789012',
    domainName: 'api.getdrop.se',
  });
  if (attach) domain.attach(new SsmParameter(stack, 'validation-records', { name: '/test', type: 'String', value: 'x' }));
  const json = Testing.synth(stack);
  return { domain, json, parsed: JSON.parse(json) };
}

const ingressPath = (managed: string, key: string) =>
  `jsondecode(data.aws_cloudcontrolapi_resource.${managed}.properties).ECSManagedResourceArns.IngressPath.${key}`;

describe('EcsExpressDomain', () => {
  it('checks the origin through origin.<domain>', () => {
    expect(originCheckHostname('api.getdrop.se')).toBe('origin.api.getdrop.se');
  });

  it('requests a DNS-validated certificate for the domain and its origin check name, replaced create-before-destroy', () => {
    const { domain, json } = domainInStack(false);
    expect(json).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: 'api.getdrop.se',
      subject_alternative_names: ['origin.api.getdrop.se'],
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
    expect(domain.names).toEqual(['api.getdrop.se', 'origin.api.getdrop.se']);
  });

  it('touches no listener until it is attached', () => {
    const { json } = domainInStack(false);
    expect(json).not.toHaveResource(LbListenerCertificate);
    expect(json).not.toHaveResource(LbListenerRule);
    expect(json).not.toHaveDataSource(DataAwsCloudcontrolapiResource);
  });

  describe('attached', () => {
    const { json, parsed } = domainInStack(true);
    const [managed] = Object.keys(parsed.data.aws_cloudcontrolapi_resource);
    const id = (type: string) => Object.keys(parsed.resource[type])[0];

    it("finds the service's Express resources through Cloud Control by the ARN its name makes", () => {
      expect(json).toHaveDataSourceWithProperties(DataAwsCloudcontrolapiResource, {
        type_name: 'AWS::ECS::ExpressGatewayService',
        identifier: 'arn:aws:ecs:eu-north-1:123456789012:service/default/drop-production-stockholm-api',
      });
    });

    it('waits for the validation records, then attaches the issued certificate to the Express listener', () => {
      expect(parsed.resource.aws_acm_certificate_validation[id('aws_acm_certificate_validation')]).toEqual({
        certificate_arn: `\${aws_acm_certificate.${id('aws_acm_certificate')}.arn}`,
        depends_on: ['aws_ssm_parameter.validation-records'],
      });
      expect(json).toHaveResourceWithProperties(LbListenerCertificate, {
        listener_arn: `\${${ingressPath(managed, 'ListenerArn')}}`,
        certificate_arn: `\${aws_acm_certificate_validation.${id('aws_acm_certificate_validation')}.certificate_arn}`,
      });
    });

    it("adds the domain to the service's own Express rule, imported, leaving its actions (the canary weights) and priority to ECS", () => {
      const rule = parsed.resource.aws_lb_listener_rule[id('aws_lb_listener_rule')];
      const [current] = Object.keys(parsed.data.aws_lb_listener_rule);
      expect(parsed.data.aws_lb_listener_rule[current]).toEqual({ arn: `\${${ingressPath(managed, 'ListenerRuleArn')}}` });
      expect(parsed.import).toEqual([
        { id: `\${${ingressPath(managed, 'ListenerRuleArn')}}`, to: `aws_lb_listener_rule.${id('aws_lb_listener_rule')}` },
      ]);
      expect(rule).toMatchObject({
        listener_arn: `\${${ingressPath(managed, 'ListenerArn')}}`,
        lifecycle: { ignore_changes: ['action', 'priority'] },
        tags: `\${data.aws_lb_listener_rule.${current}.tags}`,
      });
      expect(rule.condition[0].host_header.values).toBe(
        `\${distinct(concat(flatten([ for key, val in toset(tolist(data.aws_lb_listener_rule.${current}.condition)): [for h in val.host_header : h.values]]), ["api.getdrop.se"]))}`,
      );
    });
  });
});
