/**
 * The custom domain of an ECS Express service, on the load balancer Express manages, owned by
 * Terraform in the stack that validates it (the edge stack, deployed after compute):
 *
 * - an ACM certificate for the domain and its origin check hostname (`originCheckHostname`),
 *   validated by DNS records the edge creates in the same apply (OriginDns `certificates`),
 *   replaced create-before-destroy;
 * - `aws_lb_listener_certificate` on the HTTPS listener Cloud Control reports for the service, once
 *   the certificate is issued (`aws_acm_certificate_validation`). Being a resource of the same
 *   stack, a replacement attaches the new certificate, detaches the old, then deletes it;
 * - the Host routing: the service's own Express listener rule, imported and kept in Terraform with
 *   the domain added to its host-header condition. Express's rule is the one ECS moves its canary
 *   weights on, so its actions (and priority) are left to ECS (`ignore_changes`): a rule of our own
 *   would forward to one fixed target group and lose the traffic after the next deployment.
 *
 * What Express created is found through Cloud Control (`AWS::ECS::ExpressGatewayService`,
 * read-only `ECSManagedResourceArns.IngressPath`), by the service's ARN, which the naming decides:
 * the edge stack runs after compute, so the service exists when it plans.
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { DataAwsLbListenerRule } from '@cdktf/provider-aws/lib/data-aws-lb-listener-rule';
import { LbListenerCertificate } from '@cdktf/provider-aws/lib/lb-listener-certificate';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Fn, type ITerraformDependable, TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ECS_EXPRESS_CLUSTER } from './engines';
import { EXPRESS_CLOUD_CONTROL_TYPE } from './ecs-express-service';

/**
 * The hostname Cloudflare's origin health check connects to for `domain`: `origin.<domain>`, a
 * DNS-only record to the service's ingress, covered by the domain's certificate. Cloudflare does
 * not document whether a standalone health check takes its TLS server name from the `Host`
 * header or from `address` (docs/edge.md, "Origin health"), so both names are on the certificate.
 */
export function originCheckHostname(domain: string): string {
  return `origin.${domain}`;
}

export interface EcsExpressDomainProps {
  /** The Express service, e.g. `drop-production-stockholm-api`. */
  readonly serviceName: string;
  readonly region: string;
  readonly accountId: string;
  /** The custom domain, e.g. `api.getdrop.se`. */
  readonly domainName: string;
}

export class EcsExpressDomain extends Construct {
  readonly certificate: AcmCertificate;
  /** The names on the certificate: the custom domain and its origin check hostname. */
  readonly names: readonly string[];
  private readonly props: EcsExpressDomainProps;

  constructor(scope: Construct, id: string, props: EcsExpressDomainProps) {
    super(scope, id);
    this.props = props;
    this.names = [props.domainName, originCheckHostname(props.domainName)];
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domainName,
      subjectAlternativeNames: this.names.slice(1),
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /**
   * Attaches the certificate to the Express listener once the records `validation` (the DNS
   * records of the certificate's validation options) have let ACM issue it, and routes the domain's Host
   * through the service's Express rule.
   */
  attach(validation: ITerraformDependable): void {
    const { serviceName, region, accountId, domainName } = this.props;
    const managed = new DataAwsCloudcontrolapiResource(this, 'managed-resources', {
      typeName: EXPRESS_CLOUD_CONTROL_TYPE,
      identifier: `arn:aws:ecs:${region}:${accountId}:service/${ECS_EXPRESS_CLUSTER}/${serviceName}`,
    });
    const ingressPath = (key: string) => Fn.lookupNested(Fn.jsondecode(managed.properties), ['ECSManagedResourceArns', 'IngressPath', key]);
    const listenerArn = Token.asString(ingressPath('ListenerArn'));
    const ruleArn = Token.asString(ingressPath('ListenerRuleArn'));

    const issued = new AcmCertificateValidation(this, 'validation', {
      certificateArn: this.certificate.arn,
      dependsOn: [validation],
    });
    new LbListenerCertificate(this, 'listener-certificate', { listenerArn, certificateArn: issued.certificateArn });

    // Express's own rule for the service: its host names now, plus the custom domain.
    const current = new DataAwsLbListenerRule(this, 'express-rule', { arn: ruleArn });
    const hosts = Fn.flatten(TerraformIterator.fromList(current.condition).forExpressionForList('[for h in val.host_header : h.values]'));
    const rule = new LbListenerRule(this, 'host-rule', {
      listenerArn,
      condition: [{ hostHeader: { values: Token.asList(Fn.distinct(Fn.concat([hosts, [domainName]]))) } }],
      // Required by the schema, never sent: ECS owns the actions (the canary weights).
      action: [{ type: 'forward', targetGroupArn: Token.asString(Fn.element(Token.asList(ingressPath('TargetGroupArns')), 0)) }],
      // Express's own tags (AmazonECSManaged marks the rule as Express's) stay on the rule.
      tags: current.getStringMapAttribute('tags'),
      lifecycle: { ignoreChanges: ['action', 'priority'] },
    });
    rule.importFrom(ruleArn);
  }
}
