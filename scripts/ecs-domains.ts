/**
 * The custom domains of an ECS Express environment, on the listener Express manages: its ACM
 * certificate attached to the HTTPS listener, and its host name added to the Host condition of the
 * service's Express-managed listener rule. Idempotent: it changes only what is missing, so the
 * pipeline runs it after every `cdktf deploy compute edge`.
 *
 * Why not Terraform (docs/compute-engines.md): the certificate is validated by records the edge
 * stack creates after compute, so compute cannot attach it in the same deploy; and the rule is
 * Express's own (ECS moves its forward weights between two target groups on every canary
 * deployment), so no Terraform resource may own it, and a second rule of ours would forward to
 * one fixed target group and lose the traffic after the next deployment.
 *
 *   npm run ecs-domains -- --env production-stockholm [--dry-run]
 */
import { ACMClient, type CertificateSummary, paginateListCertificates } from '@aws-sdk/client-acm';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  AddListenerCertificatesCommand,
  DescribeListenerCertificatesCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
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

/** The host name each service answers on (as the compute stack gives its certificate). */
export function serviceDomains(config: EnvironmentConfig): Record<ServiceName, string> {
  return { web: config.domains.public, api: config.domains.apiOrigin };
}

/** Every ACM certificate of the region (one listing for all the services). */
async function listCertificates(acm: ACMClient): Promise<CertificateSummary[]> {
  const all: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: acm }, {})) all.push(...(page.CertificateSummaryList ?? []));
  return all;
}

/** The newest issued certificate of `domain` among `certificates`. */
function issuedCertificate(certificates: readonly CertificateSummary[], domain: string): string {
  const mine = certificates.filter((c) => c.DomainName === domain);
  const issued = mine.filter((c) => c.Status === 'ISSUED').sort((a, b) => (b.CreatedAt?.getTime() ?? 0) - (a.CreatedAt?.getTime() ?? 0));
  if (issued[0]?.CertificateArn) return issued[0].CertificateArn;
  if (mine.length > 0) {
    throw new DomainError(
      `The certificate of ${domain} is ${mine.map((c) => c.Status).join(', ')}, not ISSUED: ` +
        'deploy the edge stack (it creates the validation records), wait for ACM to issue it, then rerun',
    );
  }
  throw new DomainError(`No ACM certificate for ${domain} in this region: deploy the compute stack first`);
}

/** `conditions` with `domain` added to the host-header condition, or undefined when it is there already. */
export function withHost(conditions: readonly RuleCondition[], domain: string): RuleCondition[] | undefined {
  const host = conditions.find((c) => c.Field === 'host-header');
  if (!host) throw new DomainError('The Express listener rule has no host-header condition: it is not a rule Express made for a service');
  const values = host.HostHeaderConfig?.Values ?? host.Values ?? [];
  if (values.includes(domain)) return undefined;
  // ModifyRule replaces all conditions: send the others unchanged, in the form ELB accepts back.
  return conditions.map((c) => (c === host ? { Field: 'host-header', HostHeaderConfig: { Values: [...values, domain] } } : c));
}

export interface DomainResult {
  readonly service: ServiceName;
  readonly domain: string;
  readonly changes: string[];
}

/**
 * Attaches `domain`'s certificate (from `certificates`, the region's ACM certificates) and Host
 * routing to `serviceName`'s Express listener and rule.
 */
export async function wireDomain(
  clients: Clients,
  service: ServiceName,
  serviceName: string,
  domain: string,
  certificates: readonly CertificateSummary[],
  dryRun: boolean,
): Promise<DomainResult> {
  const serviceArn = await findServiceArn(clients.ecs, serviceName);
  const ingress = await ingressOf(clients.ecs, serviceArn);
  const certificateArn = issuedCertificate(certificates, domain);
  const changes: string[] = [];

  const attached = await clients.elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: ingress.listenerArn }));
  if (!(attached.Certificates ?? []).some((c) => c.CertificateArn === certificateArn)) {
    changes.push(`attach certificate ${certificateArn} to ${ingress.listenerArn}`);
    if (!dryRun) {
      await clients.elb.send(
        new AddListenerCertificatesCommand({ ListenerArn: ingress.listenerArn, Certificates: [{ CertificateArn: certificateArn }] }),
      );
    }
  }

  const { Rules = [] } = await clients.elb.send(new DescribeRulesCommand({ RuleArns: [ingress.ruleArn] }));
  const rule = Rules[0];
  if (!rule) throw new DomainError(`Listener rule ${ingress.ruleArn} of ${serviceName} not found`);
  const conditions = withHost(rule.Conditions ?? [], domain);
  if (conditions) {
    changes.push(`route Host ${domain} through rule ${ingress.ruleArn}`);
    if (!dryRun) await clients.elb.send(new ModifyRuleCommand({ RuleArn: ingress.ruleArn, Conditions: conditions }));
  }
  return { service, domain, changes };
}

export function parseCommandLine(argv: string[]): { env: string; dryRun: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.env)
    throw new DomainError('Missing --env <environment>: the ECS Express environment whose domains to wire (e.g. production-stockholm)');
  return { env: values.env, dryRun: values['dry-run'] ?? false };
}

export async function run(argv: string[], clientsFor: (region: string) => Clients, log: (line: string) => void): Promise<DomainResult[]> {
  const { env, dryRun } = parseCommandLine(argv);
  const config = loadEnvironment(env);
  if (config.compute.engine !== 'ecs-express') {
    throw new DomainError(
      `Environment ${env} runs on ${config.compute.engine}: its custom domains are Terraform's (aws_apprunner_custom_domain_association); this step is for ecs-express only`,
    );
  }
  const naming = new Naming(config);
  const clients = clientsFor(config.aws.region);
  const domains = serviceDomains(config);
  const certificates = await listCertificates(clients.acm);
  const results: DomainResult[] = [];
  for (const service of SERVICE_NAMES) {
    const result = await wireDomain(clients, service, naming.resource(service), domains[service], certificates, dryRun);
    log(
      `${service} (${result.domain}): ${result.changes.length === 0 ? 'already wired' : `${dryRun ? 'would ' : ''}${result.changes.join('; ')}`}`,
    );
    results.push(result);
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
