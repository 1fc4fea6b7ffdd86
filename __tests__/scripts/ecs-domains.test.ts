import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import {
  DescribeExpressGatewayServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import {
  AddListenerCertificatesCommand,
  DescribeListenerCertificatesCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, parseCommandLine, run, withHost } from '../../scripts/ecs-domains';

const ecs = mockClient(ECSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const acm = mockClient(ACMClient);
// The infra project shares one module graph per worker (isolate: false): give the clients back to the next file.
afterAll(() => {
  ecs.restore();
  elb.restore();
  acm.restore();
});
const clients = () => ({ ecs: new ECSClient({}), elb: new ElasticLoadBalancingV2Client({}), acm: new ACMClient({}) });
const HOSTS = { api: 'api.getdrop.se', web: 'getdrop.se' } as const;

/** production-stockholm's two Express services, each with its listener rule on the shared listener. */
function deployed() {
  for (const service of ['api', 'web'] as const) {
    const name = `drop-production-stockholm-${service}`;
    const arn = `arn:ecs:${service}`;
    ecs
      .on(DescribeServicesCommand, { cluster: 'default', services: [name] })
      .resolves({ services: [{ serviceName: name, serviceArn: arn, status: 'ACTIVE' }] });
    ecs.on(DescribeExpressGatewayServiceCommand, { serviceArn: arn }).resolves({
      service: {
        serviceArn: arn,
        status: { statusCode: 'ACTIVE' },
        activeConfigurations: [{ serviceRevisionArn: `rev-${service}`, createdAt: new Date() }],
      },
    });
    ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [`rev-${service}`] }).resolves({
      serviceRevisions: [
        {
          ecsManagedResources: {
            ingressPaths: [
              {
                accessType: 'PRIVATE',
                endpoint: `${service}.ecs.eu-north-1.on.aws`,
                loadBalancer: { arn: 'arn:lb', scheme: 'internal', status: 'ACTIVE', updatedAt: new Date() },
                listener: { arn: 'arn:listener', status: 'ACTIVE', updatedAt: new Date() },
                rule: { arn: `arn:rule:${service}`, status: 'ACTIVE', updatedAt: new Date() },
              },
            ],
          },
        },
      ],
    });
  }
}

function certificates(status: 'ISSUED' | 'PENDING_VALIDATION') {
  acm.on(ListCertificatesCommand).resolves({
    CertificateSummaryList: [
      { DomainName: 'getdrop.se', CertificateArn: 'arn:cert:web', Status: status },
      { DomainName: 'api.getdrop.se', CertificateArn: 'arn:cert:api', Status: status },
      { DomainName: 'other.example', CertificateArn: 'arn:cert:other', Status: 'ISSUED' },
    ],
  });
}

function rules(hosts: Record<'api' | 'web', string[]>) {
  for (const service of ['api', 'web'] as const) {
    elb.on(DescribeRulesCommand, { RuleArns: [`arn:rule:${service}`] }).resolves({
      Rules: [
        {
          RuleArn: `arn:rule:${service}`,
          Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: hosts[service] } }],
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: 'arn:tg:1', Weight: 100 },
                  { TargetGroupArn: 'arn:tg:2', Weight: 0 },
                ],
              },
            },
          ],
        },
      ],
    });
  }
}

beforeEach(() => {
  ecs.reset();
  elb.reset();
  acm.reset();
});

describe('npm run ecs-domains', () => {
  it("attaches each issued certificate to the Express listener and adds each host to its service's rule", async () => {
    // GIVEN a first deployment: nothing wired yet
    deployed();
    certificates('ISSUED');
    elb.on(DescribeListenerCertificatesCommand).resolves({ Certificates: [{ CertificateArn: 'arn:express-default', IsDefault: true }] });
    rules({ api: ['api.ecs.eu-north-1.on.aws'], web: ['web.ecs.eu-north-1.on.aws'] });
    const lines: string[] = [];
    // WHEN
    await run(['--env', 'production-stockholm'], clients, (line) => lines.push(line));
    // THEN
    expect(elb.commandCalls(AddListenerCertificatesCommand).map((c) => c.args[0].input)).toEqual([
      { ListenerArn: 'arn:listener', Certificates: [{ CertificateArn: 'arn:cert:web' }] },
      { ListenerArn: 'arn:listener', Certificates: [{ CertificateArn: 'arn:cert:api' }] },
    ]);
    expect(elb.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RuleArn: 'arn:rule:web',
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['web.ecs.eu-north-1.on.aws', HOSTS.web] } }],
      },
      {
        RuleArn: 'arn:rule:api',
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.ecs.eu-north-1.on.aws', HOSTS.api] } }],
      },
    ]);
    // The rule's actions (the canary weights ECS moves) are never sent.
    expect(elb.commandCalls(ModifyRuleCommand).every((c) => c.args[0].input.Actions === undefined)).toBe(true);
    // One listing of the region's certificates serves both services.
    expect(acm.commandCalls(ListCertificatesCommand)).toHaveLength(1);
    expect(lines[1]).toBe(
      'api (api.getdrop.se): attach certificate arn:cert:api to arn:listener; route Host api.getdrop.se through rule arn:rule:api',
    );
  });

  it('changes nothing when certificate and hosts are in place (it runs after every deploy)', async () => {
    deployed();
    certificates('ISSUED');
    elb
      .on(DescribeListenerCertificatesCommand)
      .resolves({ Certificates: [{ CertificateArn: 'arn:cert:api' }, { CertificateArn: 'arn:cert:web' }] });
    rules({ api: ['api.ecs.eu-north-1.on.aws', HOSTS.api], web: ['web.ecs.eu-north-1.on.aws', HOSTS.web] });
    const lines: string[] = [];
    await run(['--env', 'production-stockholm'], clients, (line) => lines.push(line));
    expect(elb.commandCalls(AddListenerCertificatesCommand)).toHaveLength(0);
    expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(0);
    expect(lines).toEqual(['web (getdrop.se): already wired', 'api (api.getdrop.se): already wired']);
  });

  it('with --dry-run says what it would do and changes nothing', async () => {
    deployed();
    certificates('ISSUED');
    elb.on(DescribeListenerCertificatesCommand).resolves({ Certificates: [] });
    rules({ api: ['api.ecs.eu-north-1.on.aws'], web: ['web.ecs.eu-north-1.on.aws'] });
    const lines: string[] = [];
    await run(['--env', 'production-stockholm', '--dry-run'], clients, (line) => lines.push(line));
    expect(elb.commandCalls(AddListenerCertificatesCommand)).toHaveLength(0);
    expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(0);
    expect(lines[0]).toBe(
      'web (getdrop.se): would attach certificate arn:cert:web to arn:listener; route Host getdrop.se through rule arn:rule:web',
    );
  });

  it('stops before changing anything while the certificate waits for validation', async () => {
    deployed();
    certificates('PENDING_VALIDATION');
    elb.on(DescribeListenerCertificatesCommand).resolves({ Certificates: [] });
    await expect(run(['--env', 'production-stockholm'], clients, () => {})).rejects.toThrow(
      'The certificate of getdrop.se is PENDING_VALIDATION, not ISSUED: deploy the edge stack (it creates the validation records), wait for ACM to issue it, then rerun',
    );
    expect(elb.commandCalls(AddListenerCertificatesCommand)).toHaveLength(0);
  });

  it('refuses an App Runner environment, naming its engine', async () => {
    await expect(run(['--env', 'production'], clients, () => {})).rejects.toThrow(
      "Environment production runs on app-runner: its custom domains are Terraform's (aws_apprunner_custom_domain_association); this step is for ecs-express only",
    );
  });

  it('refuses a command line without --env', () => {
    expect(() => parseCommandLine([])).toThrow(
      'Missing --env <environment>: the ECS Express environment whose domains to wire (e.g. production-stockholm)',
    );
  });
});

describe('withHost', () => {
  it("keeps the rule's other conditions as they are", () => {
    const path = { Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } };
    expect(withHost([{ Field: 'host-header', HostHeaderConfig: { Values: ['a.on.aws'] } }, path], 'getdrop.se')).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: ['a.on.aws', 'getdrop.se'] } },
      path,
    ]);
  });

  it('refuses a rule without a host condition (not one Express made for a service)', () => {
    expect(() => withHost([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }], 'getdrop.se')).toThrow(DomainError);
  });
});
