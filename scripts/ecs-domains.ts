/**
 * Checks, read-only, that the custom domains of an ECS Express environment are in place on the
 * listener Express manages: the domain's issued certificate attached to the HTTPS listener, and
 * the domain in the host-header condition of the service's Express listener rule. Both are the
 * edge stack's Terraform resources (constructs/compute/ecs-express-domain.ts: the certificate, its
 * validation, `aws_lb_listener_certificate`, and Express's own rule imported with the domain
 * added), so a failed check names the deploy that puts them back. The pipeline runs it after every
 * `cdktf deploy compute edge`: an Express update that rewrote its rule shows here.
 *
 *   npm run ecs-domains -- --env production-stockholm
 *
 * AWS calls (all reads): ECS to find the service's listener and rule (scripts/lib/ecs.ts),
 * acm:ListCertificates, elasticloadbalancing:DescribeListenerCertificates and DescribeRules.
 */
import { ACMClient, type CertificateSummary, paginateListCertificates } from '@aws-sdk/client-acm';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeListenerCertificatesCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseArgs } from 'node:util';
import { type EnvironmentConfig, SERVICE_NAMES, type ServiceName, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';
import { EcsError, findServiceArn, ingressOf } from './lib/ecs';

export class DomainError extends Error {}

export interface Clients {
  readonly ecs: ECSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly acm: ACMClient;
}

/** The host name each service answers on (as the edge stack gives its certificate). */
export function serviceDomains(config: EnvironmentConfig): Record<ServiceName, string> {
  return { web: config.domains.public, api: config.domains.apiOrigin };
}

/** Every ACM certificate of the region (one listing for all the services). */
async function listCertificates(acm: ACMClient): Promise<CertificateSummary[]> {
  const all: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: acm }, {})) all.push(...(page.CertificateSummaryList ?? []));
  return all;
}

/** The host names of a rule's host-header condition. */
export function hostsOf(conditions: readonly RuleCondition[]): string[] {
  const host = conditions.find((c) => c.Field === 'host-header');
  return host?.HostHeaderConfig?.Values ?? host?.Values ?? [];
}

export interface DomainResult {
  readonly service: ServiceName;
  readonly domain: string;
  /** What is missing; empty when the domain is in place. */
  readonly missing: string[];
}

/** Checks `domain`'s issued certificate on `serviceName`'s Express listener and its Host in the service's rule. */
export async function checkDomain(
  clients: Clients,
  service: ServiceName,
  serviceName: string,
  domain: string,
  certificates: readonly CertificateSummary[],
): Promise<DomainResult> {
  const serviceArn = await findServiceArn(clients.ecs, serviceName);
  const ingress = await ingressOf(clients.ecs, serviceArn);
  const missing: string[] = [];

  const issued = new Set(certificates.filter((c) => c.DomainName === domain && c.Status === 'ISSUED').map((c) => c.CertificateArn));
  const attached = await clients.elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: ingress.listenerArn }));
  if (!(attached.Certificates ?? []).some((c) => issued.has(c.CertificateArn))) {
    missing.push(`no issued certificate of ${domain} on ${ingress.listenerArn}`);
  }

  const { Rules = [] } = await clients.elb.send(new DescribeRulesCommand({ RuleArns: [ingress.ruleArn] }));
  const rule = Rules[0];
  if (!rule) throw new DomainError(`Listener rule ${ingress.ruleArn} of ${serviceName} not found`);
  if (!hostsOf(rule.Conditions ?? []).includes(domain)) missing.push(`Host ${domain} not in rule ${ingress.ruleArn}`);
  return { service, domain, missing };
}

export function parseCommandLine(argv: string[]): { env: string } {
  const { values } = parseArgs({ args: argv, options: { env: { type: 'string' } }, strict: true });
  if (!values.env)
    throw new DomainError('Missing --env <environment>: the ECS Express environment whose domains to check (e.g. production-stockholm)');
  return { env: values.env };
}

export async function run(argv: string[], clientsFor: (region: string) => Clients, log: (line: string) => void): Promise<DomainResult[]> {
  const { env } = parseCommandLine(argv);
  const config = loadEnvironment(env);
  if (config.compute.engine !== 'ecs-express') {
    throw new DomainError(
      `Environment ${env} runs on ${config.compute.engine}: its custom domains are Terraform's (aws_apprunner_custom_domain_association); this check is for ecs-express only`,
    );
  }
  const naming = new Naming(config);
  const clients = clientsFor(config.aws.region);
  const domains = serviceDomains(config);
  const certificates = await listCertificates(clients.acm);
  const results: DomainResult[] = [];
  for (const service of SERVICE_NAMES) {
    const result = await checkDomain(clients, service, naming.resource(service), domains[service], certificates);
    log(`${service} (${result.domain}): ${result.missing.length === 0 ? 'in place' : result.missing.join('; ')}`);
    results.push(result);
  }
  if (results.some((result) => result.missing.length > 0)) {
    throw new DomainError(
      `Custom domains of ${env} are not in place on the Express load balancer: run DROP_ENV=${env} npx cdktf deploy compute edge ` +
        '(the edge stack attaches the certificates and routes the hosts; see docs/compute-engines.md, "4. Custom domains")',
    );
  }
  return results;
}

if (require.main === module) {
  run(
    process.argv.slice(2),
    (region) => ({ ecs: new ECSClient({ region }), elb: new ElasticLoadBalancingV2Client({ region }), acm: new ACMClient({ region }) }),
    (line) => console.log(line),
  ).catch((error: unknown) => {
    console.error(error instanceof DomainError || error instanceof EcsError ? error.message : error);
    process.exitCode = 1;
  });
}
