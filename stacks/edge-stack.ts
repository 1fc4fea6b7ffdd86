/**
 * The edge stack: Cloudflare in front of the origin. Changes with compute.
 *
 * Staging and production share one Cloudflare zone, whose settings and entry-point rulesets (one
 * per phase per zone) are zone-wide. So exactly one environment of the zone (`edge.zoneOwner`)
 * owns them, with rules scoped by hostname for every environment of the zone; every
 * environment's edge stack owns its own DNS records, origin health checks and (below Enterprise)
 * its `/v1/*` Worker. See the README, "Edge".
 *
 * Only the zone owner reads origin verification secrets (for the zone's request header transform
 * rule, which also sets the header on the Worker's subrequests); a member's edge stack reads none.
 */
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataCloudflareZone } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zone';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Annotations, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { type EnvironmentConfig, SERVICE_NAMES, type ServiceName } from '../config';
import { edgeSiteOf } from '../config/edge-sites';
import { PLAN_LIMITS, type RulesetPhase } from '../constructs/edge/cloudflare';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { type ExistingRuleset, adoptExistingRuleset } from '../constructs/edge/ruleset';
import { throwIfProblems } from '../constructs/validation';
import { EcsExpressDomain, originCheckHostname } from '../constructs/compute/ecs-express-domain';
import { ApiPathWorker } from '../constructs/edge/api-path-worker';
import { CacheRules } from '../constructs/edge/cache-rules';
import { FirewallRules } from '../constructs/edge/firewall-rules';
import { ManagedWaf } from '../constructs/edge/managed-waf';
import { OriginDns } from '../constructs/edge/origin-dns';
import { OriginHealth } from '../constructs/edge/origin-health';
import { OriginRules } from '../constructs/edge/origin-rules';
import { RateLimits } from '../constructs/edge/rate-limits';
import { ZoneSettings } from '../constructs/edge/zone-settings';
import { Naming } from '../constructs/naming';
import { consume, consumeAcross } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

export interface EdgeStackProps extends DropStackProps {
  /**
   * Every environment of this environment's Cloudflare zone (itself included), as `loadZone`
   * returns them. The zone owner scopes rules to each of them.
   * @default - this environment alone
   */
  readonly zone?: readonly EnvironmentConfig[];
}

export class EdgeStack extends DropStack {
  readonly zoneId: string;

  constructor(scope: Construct, props: EdgeStackProps) {
    super(scope, 'edge', props);
    const { config, naming } = this;
    const edge = config.edge;
    // The API token comes from CLOUDFLARE_API_TOKEN at plan time, never from code or config.
    new CloudflareProvider(this, 'cloudflare', {});

    const zone = new DataCloudflareZone(this, 'zone', { filter: { name: edge.zone } });
    this.zoneId = zone.zoneId;
    const zoneId = zone.zoneId;

    // This environment's own records, health checks and api path routing.
    const domains: Record<ServiceName, string> = { web: config.domains.public, api: config.domains.apiOrigin };
    const targets: Record<ServiceName, string> = {
      web: consume(this, naming, 'compute', 'webDnsTarget'),
      api: consume(this, naming, 'compute', 'apiDnsTarget'),
    };
    // ECS Express: the custom domains' certificates and listener wiring are this stack's, and the
    // health checks reach the ingress under a DNS-only name the certificate covers.
    const express =
      config.compute.engine === 'ecs-express'
        ? mapServices(
            (name) =>
              new EcsExpressDomain(this, `${name}-domain`, {
                serviceName: naming.resource(name),
                region: config.aws.region,
                accountId: config.aws.accountId,
                domainName: domains[name],
              }),
          )
        : undefined;
    const dns = new OriginDns(this, 'dns', {
      zoneId,
      proxied: { [domains.web]: targets.web, [domains.api]: targets.api },
      direct: express ? { [originCheckHostname(domains.web)]: targets.web, [originCheckHostname(domains.api)]: targets.api } : {},
      validationRecords: express
        ? {}
        : {
            web: consume(this, naming, 'compute', 'webCertificateValidationRecords'),
            api: consume(this, naming, 'compute', 'apiCertificateValidationRecords'),
          },
      certificates: express ? mapServices((name) => ({ certificate: express[name].certificate, names: express[name].names })) : {},
    });
    if (express) for (const name of SERVICE_NAMES) express[name].attach(dns.validations[name]);
    new OriginHealth(this, 'origin-health', {
      zoneId,
      plan: edge.plan,
      targets: mapServices((name) => ({
        name: naming.resource(name),
        address: express ? originCheckHostname(domains[name]) : targets[name],
        host: domains[name],
        path: config.compute.services[name].healthCheck.path,
      })),
      ...edge.originHealth,
      // The same people the AWS alarms reach by email.
      notify: {
        accountId: zone.account.id,
        name: naming.resource('origin-health'),
        emails: config.alarms.subscribers.filter((s) => s.protocol === 'email').map((s) => s.endpoint),
      },
    });
    if (!PLAN_LIMITS[edge.plan].originHostOverride) {
      new ApiPathWorker(this, 'api-path', {
        accountId: zone.account.id,
        zoneId,
        scriptName: naming.resource('api-path'),
        publicHost: config.domains.public,
        apiHost: config.domains.apiOrigin,
      });
      Annotations.of(this).addWarning(
        `/v1/* of ${config.domains.public} reaches ${config.domains.apiOrigin} through a Worker: origin rules with Host header ` +
          `and DNS record overrides need the enterprise plan (this zone: ${edge.plan}). Worker requests are billed per request.`,
      );
    }

    if (edge.zoneOwner) this.ownZone(zoneId, props.zone ?? [config]);
  }

  /** The zone-wide settings and the one entry-point ruleset per phase, for every environment. */
  private ownZone(zoneId: string, zone: readonly EnvironmentConfig[]): void {
    const edge = this.config.edge;
    const sites = zone.map((env) => edgeSiteOf(env, originVerifySecret(this, env)));
    new ZoneSettings(this, 'zone-settings', { zoneId });
    new ManagedWaf(this, 'managed-waf', { zoneId, plan: edge.plan, ...edge.waf });
    new RateLimits(this, 'rate-limits', {
      zoneId,
      plan: edge.plan,
      advancedRateLimiting: edge.addons.advancedRateLimiting,
      limits: edge.rateLimits,
      sites,
    });
    new FirewallRules(this, 'firewall', {
      zoneId,
      plan: edge.plan,
      botManagement: edge.addons.botManagement,
      robotsTxtManaged: edge.bots.robotsTxtManaged,
      sites,
    });
    new CacheRules(this, 'cache', { zoneId, plan: edge.plan, sites });
    new OriginRules(this, 'origin-rules', { zoneId, plan: edge.plan, sites });
    this.importExistingRulesets(zoneId);
  }

  /**
   * Entry-point rulesets the zone already has (`edge.existingRulesets`) are adopted, not created:
   * the API refuses a second entry-point ruleset for a phase. Each gets a Terraform `import` block
   * and keeps its recorded name (see `adoptExistingRuleset`), so the plan is an update in place.
   */
  private importExistingRulesets(zoneId: string): void {
    const existing = Object.entries(this.config.edge.existingRulesets) as [RulesetPhase, ExistingRuleset | undefined][];
    const rulesets = this.node.findAll().filter((c): c is Ruleset => c instanceof Ruleset);
    for (const [phase, recorded] of existing) {
      if (recorded === undefined) continue;
      const path = `edge.existingRulesets.${phase}`;
      const ruleset = rulesets.find((r) => r.phaseInput === phase);
      if (!ruleset) {
        throwIfProblems(this, [
          {
            path: [path],
            input: recorded,
            message: `names a ruleset this edge stack does not manage on the ${this.config.edge.plan} plan`,
          },
        ]);
        continue;
      }
      adoptExistingRuleset(ruleset, zoneId, recorded, path);
    }
  }
}

/** One value per service, in SERVICE_NAMES order. */
function mapServices<T>(make: (name: ServiceName) => T): Record<ServiceName, T> {
  return Object.fromEntries(SERVICE_NAMES.map((name) => [name, make(name)])) as Record<ServiceName, T>;
}

/**
 * The X-Origin-Verify value the edge sends for an environment: the first comma-separated value of
 * the secret whose ARN its data stack publishes (during a rotation the secret holds `new,old`; the
 * services accept both). It lands in the zone owner's Terraform state (like any rule value); the
 * state is encrypted. Only the zone owner reads it.
 */
function originVerifySecret(stack: EdgeStack, env: EnvironmentConfig): string {
  const scope = new Construct(stack, `origin-verify-${env.name}`);
  const naming = new Naming(env);
  // Another environment's value is a read across environments (stacks/contract.ts): its data stack goes first.
  const secretId =
    env.name === stack.config.name
      ? consume(scope, naming, 'data', 'originVerifySecretArn')
      : consumeAcross(scope, naming, 'data', 'originVerifySecretArn');
  const version = new DataAwsSecretsmanagerSecretVersion(scope, 'secret', { secretId });
  return Fn.trimspace(Fn.element(Fn.split(',', version.secretString), 0));
}
