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
import { DomainError, hostsOf, parseCommandLine, run } from '../../scripts/ecs-domains';

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

describe('npm run ecs-domains (read-only)', () => {
  it('says each domain is in place when its issued certificate is on the Express listener and its host in the service rule', async () => {
    // GIVEN what the edge stack put in place
    deployed();
    certificates('ISSUED');
    elb.on(DescribeListenerCertificatesCommand).resolves({
      Certificates: [
        { CertificateArn: 'arn:express-default', IsDefault: true },
        { CertificateArn: 'arn:cert:api' },
        { CertificateArn: 'arn:cert:web' },
      ],
    });
    rules({ api: ['api.ecs.eu-north-1.on.aws', HOSTS.api], web: ['web.ecs.eu-north-1.on.aws', HOSTS.web] });
    const lines: string[] = [];
    // WHEN
    const results = await run(['--env', 'production-stockholm'], clients, (line) => lines.push(line));
    // THEN
    expect(lines).toEqual(['web (getdrop.se): in place', 'api (api.getdrop.se): in place']);
    expect(results.every((result) => result.missing.length === 0)).toBe(true);
    // One listing of the region's certificates serves both services.
    expect(acm.commandCalls(ListCertificatesCommand)).toHaveLength(1);
  });

  it('changes nothing: it only reads', async () => {
    deployed();
    certificates('ISSUED');
    elb.on(DescribeListenerCertificatesCommand).resolves({ Certificates: [] });
    rules({ api: ['api.ecs.eu-north-1.on.aws'], web: ['web.ecs.eu-north-1.on.aws'] });
    await expect(run(['--env', 'production-stockholm'], clients, () => {})).rejects.toThrow(DomainError);
    expect(elb.commandCalls(AddListenerCertificatesCommand)).toHaveLength(0);
    expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it('names what is missing and the deploy that puts it back', async () => {
    deployed();
    certificates('ISSUED');
    elb.on(DescribeListenerCertificatesCommand).resolves({ Certificates: [{ CertificateArn: 'arn:cert:web' }] });
    rules({ api: ['api.ecs.eu-north-1.on.aws'], web: ['web.ecs.eu-north-1.on.aws', HOSTS.web] });
    const lines: string[] = [];
    await expect(run(['--env', 'production-stockholm'], clients, (line) => lines.push(line))).rejects.toThrow(
      'Custom domains of production-stockholm are not in place on the Express load balancer: run DROP_ENV=production-stockholm npx cdktf deploy compute edge',
    );
    expect(lines).toEqual([
      'web (getdrop.se): in place',
      'api (api.getdrop.se): no issued certificate of api.getdrop.se on arn:listener; Host api.getdrop.se not in rule arn:rule:api',
    ]);
  });

  it('does not count a certificate still waiting for validation', async () => {
    deployed();
    certificates('PENDING_VALIDATION');
    elb
      .on(DescribeListenerCertificatesCommand)
      .resolves({ Certificates: [{ CertificateArn: 'arn:cert:api' }, { CertificateArn: 'arn:cert:web' }] });
    rules({ api: ['api.ecs.eu-north-1.on.aws', HOSTS.api], web: ['web.ecs.eu-north-1.on.aws', HOSTS.web] });
    const lines: string[] = [];
    await expect(run(['--env', 'production-stockholm'], clients, (line) => lines.push(line))).rejects.toThrow(DomainError);
    expect(lines[0]).toBe('web (getdrop.se): no issued certificate of getdrop.se on arn:listener');
  });

  it('refuses an App Runner environment, naming its engine', async () => {
    await expect(run(['--env', 'production'], clients, () => {})).rejects.toThrow(
      "Environment production runs on app-runner: its custom domains are Terraform's (aws_apprunner_custom_domain_association); this check is for ecs-express only",
    );
  });

  it('refuses a command line without --env', () => {
    expect(() => parseCommandLine([])).toThrow(
      'Missing --env <environment>: the ECS Express environment whose domains to check (e.g. production-stockholm)',
    );
  });
});

describe('hostsOf', () => {
  it("reads the host names of the rule's host-header condition, whichever form ELB returns", () => {
    const path = { Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } };
    expect(hostsOf([{ Field: 'host-header', HostHeaderConfig: { Values: ['a.on.aws', 'getdrop.se'] } }, path])).toEqual([
      'a.on.aws',
      'getdrop.se',
    ]);
    expect(hostsOf([{ Field: 'host-header', Values: ['a.on.aws'] }])).toEqual(['a.on.aws']);
    expect(hostsOf([path])).toEqual([]);
  });
});
