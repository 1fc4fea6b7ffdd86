import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { BotManagement } from '@cdktf/provider-cloudflare/lib/bot-management';
import { DataCloudflareZone } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zone';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { Healthcheck } from '@cdktf/provider-cloudflare/lib/healthcheck';
import { WorkersRoute } from '@cdktf/provider-cloudflare/lib/workers-route';
import { WorkersScript } from '@cdktf/provider-cloudflare/lib/workers-script';
import { describe, expect, it } from 'vitest';
import { type EnvironmentConfig, checkZone, loadEnvironment } from '../../config';
import { configErrorOf, environment, resourcesOf, rulesOf, synthManifest, synthPlatform, warningsOf } from '../helpers';

const SECRET = (env: string) => `\${trimspace(element(split(",", data.aws_secretsmanager_secret_version.origin-verify-${env}_secret_`;

describe('the zone owner (production) edge stack', () => {
  const synth = synthPlatform('production');
  const json = synth.json('edge');
  const parsed = synth.parsed('edge');

  it('finds the zone by name, with no zone id or credentials in code', () => {
    expect(json).toHaveDataSourceWithProperties(DataCloudflareZone, { filter: { name: 'getdrop.no' } });
  });

  it('gives the zone settings and every other resource of the zone the zone it found by name', () => {
    const zoneIds = Object.entries(parsed.resource ?? {}).flatMap(([type, resources]) =>
      Object.values(resources)
        .filter((resource: any) => resource.zone_id !== undefined)
        .map((resource: any) => [type, resource.zone_id]),
    );
    expect(new Set(zoneIds.map(([type]) => type))).toEqual(
      new Set([
        'cloudflare_bot_management',
        'cloudflare_dns_record',
        'cloudflare_healthcheck',
        'cloudflare_ruleset',
        'cloudflare_workers_route',
        'cloudflare_zone_setting',
      ]),
    );
    expect(new Set(zoneIds.map(([, zoneId]) => zoneId))).toEqual(new Set(['${data.cloudflare_zone.zone.zone_id}']));
  });

  it('holds exactly one entry-point ruleset per phase', () => {
    const phases = Object.values(resourcesOf(parsed, 'cloudflare_ruleset')).map((r: any) => r.phase);
    expect(phases.sort()).toEqual([
      'http_ratelimit',
      'http_request_cache_settings',
      'http_request_firewall_custom',
      'http_request_firewall_managed',
      'http_request_late_transform',
    ]);
    for (const r of Object.values(resourcesOf(parsed, 'cloudflare_ruleset'))) expect(r.kind).toBe('zone');
  });

  it("runs the OWASP Core Ruleset at edge.waf's paranoia level 2 and score threshold 40", () => {
    const owasp = rulesOf(parsed, 'http_request_firewall_managed').find((rule) => rule.ref === 'owasp_core');
    expect(owasp.description).toBe('Cloudflare OWASP Core Ruleset: paranoia level 2, score threshold 40');
    expect(owasp.action_parameters.overrides.rules).toEqual([expect.objectContaining({ score_threshold: 40 })]);
  });

  it('answers /v1/auth/* (the API) and the web sign-in routes /api/auth/* above 20 requests per 10 s with a JSON 429, never a challenge', () => {
    const rule = rulesOf(parsed, 'http_ratelimit')[0];
    expect(rule).toEqual(
      expect.objectContaining({
        expression:
          '((http.request.uri.path eq "/v1/auth") or (starts_with(http.request.uri.path, "/v1/auth/"))) or ' +
          '((http.request.uri.path eq "/api/auth") or (starts_with(http.request.uri.path, "/api/auth/")))',
        action: 'block',
        ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 20, mitigation_timeout: 10 },
      }),
    );
    // API clients cannot solve a challenge: they get JSON (its body: __tests__/constructs/edge/rate-limits.test.ts).
    expect(rule.action_parameters.response).toMatchObject({ status_code: 429, content_type: 'application/json' });
    expect(JSON.stringify(rulesOf(parsed, 'http_ratelimit'))).not.toContain('challenge');
  });

  it('blocks /v1/transactions/* at 30 requests per 10 s per client IP with a JSON 429', () => {
    const rule = rulesOf(parsed, 'http_ratelimit')[1];
    expect(rule).toEqual(
      expect.objectContaining({
        // POST /v1/transactions (no trailing slash) is where bookings are created: it must count.
        expression: '(http.request.uri.path eq "/v1/transactions") or (starts_with(http.request.uri.path, "/v1/transactions/"))',
        action: 'block',
        ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 30, mitigation_timeout: 10 },
      }),
    );
    expect(rule.action_parameters.response).toMatchObject({ status_code: 429, content_type: 'application/json' });
  });

  describe('a new rate limit is one record (docs/requirements.md, Rate limits)', () => {
    const payments = {
      paths: ['/v1/payments/'],
      action: 'block',
      requestsPerPeriod: 10,
      periodSeconds: 10,
      mitigationTimeoutSeconds: 60,
    };

    it('adds /v1/payments/* as a third rule from one entry in the environment file', () => {
      // GIVEN production on a plan that holds three rate limiting rules, with one more record
      const config = environment('production', { edge: { plan: 'business', rateLimits: { payments } } });
      // WHEN the edge stack is synthesized
      const rules = rulesOf(synthPlatform(config, [config]).parsed('edge'), 'http_ratelimit');
      // THEN the rule is there, after the spec's two, with the record's numbers and a JSON 429
      expect(rules.map((rule) => rule.ref)).toEqual(['ratelimit_v1_auth', 'ratelimit_v1_transactions', 'ratelimit_v1_payments']);
      expect(rules[2]).toEqual(
        expect.objectContaining({
          expression: '(http.request.uri.path eq "/v1/payments") or (starts_with(http.request.uri.path, "/v1/payments/"))',
          action: 'block',
          ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 10, mitigation_timeout: 60 },
        }),
      );
      expect(rules[2].action_parameters.response).toMatchObject({ status_code: 429, content_type: 'application/json' });
    });

    it('counts it against the plan when the file is loaded: Pro holds two', () => {
      expect(configErrorOf('production', { edge: { rateLimits: { payments } } })).toContain(
        'edge.plan: allows 2 rate limiting rule(s); the 3 rate limits (auth: /v1/auth/*, /api/auth/*; transactions: /v1/transactions/*; payments: /v1/payments/*) need the business plan or higher (found: "pro")',
      );
    });
  });

  it.each([
    ['production', '{"getdrop.no" "api.getdrop.no"}', '{"NO" "SE" "DK" "FI"}'],
    ['staging', '{"staging.getdrop.no" "staging-api.getdrop.no"}', '{"NO" "SE" "DK" "FI" "IE" "US"}'],
  ])('scopes the %s custom rules to its hostnames: sanctions blocked, allow list with health paths public', (env, hosts, allowed) => {
    const rules = rulesOf(parsed, 'http_request_firewall_custom');
    expect(rules).toContainEqual(
      expect.objectContaining({
        ref: `${env}_sanctions`,
        action: 'block',
        expression: `(http.host in ${hosts}) and (ip.src.country in {"CU" "IR" "KP"})`,
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        ref: `${env}_country_allow_list`,
        action: 'block',
        expression: `(http.host in ${hosts}) and (not ip.src.country in ${allowed}) and (not http.request.uri.path in {"/api/health" "/v1/health"})`,
      }),
    );
  });

  it.each([
    ['production', 'getdrop.no', 'api.getdrop.no'],
    ['staging', 'staging.getdrop.no', 'staging-api.getdrop.no'],
  ])('caches %s on its own hostnames, with its configured public assets and TTL, and never its api', (env, web, api) => {
    const rules = rulesOf(parsed, 'http_request_cache_settings').filter((r) => r.ref.startsWith(`${env}_`));
    expect(rules.map((r) => r.ref)).toEqual([`${env}_next_static`, `${env}_public_assets`, `${env}_api_bypass`]);
    expect(rules[0].expression).toBe(`(http.host eq "${web}") and (starts_with(http.request.uri.path, "/_next/static/"))`);
    expect(rules[1]).toMatchObject({
      expression: `(http.host eq "${web}") and ((http.request.uri.path in {"/favicon.ico" "/robots.txt"}) or (starts_with(http.request.uri.path, "/images/")) or (starts_with(http.request.uri.path, "/fonts/")))`,
      action_parameters: { edge_ttl: { mode: 'override_origin', default: 86400 } },
    });
    expect(rules[2]).toMatchObject({
      expression: `(http.host in {"${web}" "${api}"}) and (starts_with(http.request.uri.path, "/v1/"))`,
      action_parameters: { cache: false },
    });
  });

  it.each(['production', 'staging'])(
    'adds the %s origin verification header from the first value of its secret, never a literal',
    (env) => {
      const rule = rulesOf(parsed, 'http_request_late_transform').find((r) => r.ref === `${env}_origin_verify`);
      expect(rule.action).toBe('rewrite');
      expect(rule.action_parameters.headers['X-Origin-Verify'].operation).toBe('set');
      const value: string = rule.action_parameters.headers['X-Origin-Verify'].value;
      // During a rotation the secret is "new,old": the edge sends the first value.
      expect(value.startsWith(SECRET(env))).toBe(true);
      expect(value.endsWith('.secret_string), 0))}')).toBe(true);
    },
  );

  it("reads each environment's secret through the contract parameter that environment publishes", () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: '/drop/production/data/origin-verify-secret-arn' });
    // Another environment's value is a read across environments: its folder, with the command that publishes it when missing.
    const staging = Object.values<any>(parsed.data?.aws_ssm_parameters_by_path ?? {}).find((d) => d.path === '/drop/staging/data');
    expect(staging.lifecycle.postcondition).toEqual([
      {
        condition: '${contains(self.names, "/drop/staging/data/origin-verify-secret-arn")}',
        error_message:
          'staging has not published /drop/staging/data/origin-verify-secret-arn yet: deploy its data stack first: ' +
          'DROP_ENV=staging npx cdktf deploy data (docs/deploying.md, "The first deployment of an environment").',
      },
    ]);
    expect(Object.keys(parsed.data?.[DataAwsSecretsmanagerSecretVersion.tfResourceType] ?? {})).toHaveLength(2);
  });
});

describe('who is told when an origin check fails', () => {
  it("emails the alarm topic's email subscribers when either of the environment's checks changes status", () => {
    const parsed = synthPlatform('production').parsed('edge');
    const [policy] = Object.values(resourcesOf(parsed, 'cloudflare_notification_policy')) as any[];
    const checks = Object.keys(resourcesOf(parsed, 'cloudflare_healthcheck'));
    expect(policy).toMatchObject({
      account_id: '${data.cloudflare_zone.zone.account.id}',
      alert_type: 'health_check_status_notification',
      enabled: true,
      mechanisms: { email: [{ id: 'platform-oncall@getdrop.no' }] },
    });
    expect([...policy.filters.health_check_id].sort()).toEqual(checks.map((id) => `\${cloudflare_healthcheck.${id}.id}`).sort());
  });

  it('makes no policy where nobody is subscribed (staging)', () => {
    expect(resourcesOf(synthPlatform('staging').parsed('edge'), 'cloudflare_notification_policy')).toEqual({});
  });
});

describe('the ECS Express environment (production-stockholm): custom domains owned by its edge stack', () => {
  const synth = synthPlatform('production-stockholm');
  const parsed = synth.parsed('edge') as any;
  const one = (type: string, prefix: string) => {
    const entries = Object.entries(resourcesOf(parsed, type)).filter(([id]) => id.startsWith(prefix));
    expect(entries, `${type} ${prefix}*`).toHaveLength(1);
    return entries[0] as [string, any];
  };

  it.each([
    ['api', 'api.getdrop.se'],
    ['web', 'getdrop.se'],
  ])('checks the %s origin through origin.<domain>, a DNS-only name of the ingress, with the domain as Host', (service, domain) => {
    const [, check] = one('cloudflare_healthcheck', `origin-health_${service}_`);
    expect(check).toMatchObject({ address: `origin.${domain}`, http_config: { header: { Host: [domain] }, allow_insecure: false } });
    const records = Object.values(resourcesOf(parsed, 'cloudflare_dns_record')).filter((r: any) => r.name === `origin.${domain}`);
    expect(records).toEqual([
      expect.objectContaining({
        type: 'CNAME',
        content: `\${data.aws_ssm_parameter.contract-compute-${service}-dns-target.insecure_value}`,
        proxied: false,
      }),
    ]);
  });

  it.each([
    ['api', 'api.getdrop.se'],
    ['web', 'getdrop.se'],
  ])('issues the %s certificate for the domain and its origin check name, validated by records of this stack', (service, domain) => {
    const [certificate, cert] = one('aws_acm_certificate', `${service}-domain_certificate_`);
    expect(cert).toMatchObject({
      domain_name: domain,
      subject_alternative_names: [`origin.${domain}`],
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
    const [records, validation] = one('cloudflare_dns_record', `dns_${service}-validation_`);
    // Keyed by the names on the certificate: known at plan, unlike the records of a certificate not yet requested.
    expect(validation.for_each).toBe(`\${toset(["${domain}", "origin.${domain}"])}`);
    expect(validation.name).toContain(`aws_acm_certificate.${certificate}.domain_validation_options`);
    const [, issued] = one('aws_acm_certificate_validation', `${service}-domain_validation_`);
    expect(issued).toMatchObject({
      certificate_arn: `\${aws_acm_certificate.${certificate}.arn}`,
      depends_on: [`cloudflare_dns_record.${records}`],
    });
  });

  it.each(['api', 'web'])(
    'attaches the issued %s certificate to the listener Cloud Control reports (a replacement attaches the new one before the old goes)',
    (service) => {
      const [validation] = one('aws_acm_certificate_validation', `${service}-domain_validation_`);
      const [, attachment] = one('aws_lb_listener_certificate', `${service}-domain_listener-certificate_`);
      const [managed] = Object.entries(parsed.data.aws_cloudcontrolapi_resource).find(([id]) =>
        id.startsWith(`${service}-domain_managed`),
      )!;
      expect(attachment).toEqual(
        expect.objectContaining({
          certificate_arn: `\${aws_acm_certificate_validation.${validation}.certificate_arn}`,
          listener_arn: `\${jsondecode(data.aws_cloudcontrolapi_resource.${managed}.properties).ECSManagedResourceArns.IngressPath.ListenerArn}`,
        }),
      );
      expect(parsed.data.aws_cloudcontrolapi_resource[managed]).toMatchObject({
        type_name: 'AWS::ECS::ExpressGatewayService',
        identifier: `arn:aws:ecs:eu-north-1:123456789012:service/default/drop-production-stockholm-${service}`,
      });
    },
  );

  it.each([
    ['api', 'api.getdrop.se'],
    ['web', 'getdrop.se'],
  ])(
    "routes the %s domain through the service's own Express rule, imported, its actions (the canary weights) left to ECS",
    (service, domain) => {
      const [rule, body] = one('aws_lb_listener_rule', `${service}-domain_host-rule_`);
      const [managed] = Object.entries(parsed.data.aws_cloudcontrolapi_resource).find(([id]) =>
        id.startsWith(`${service}-domain_managed`),
      )!;
      expect(parsed.import).toContainEqual({
        id: `\${jsondecode(data.aws_cloudcontrolapi_resource.${managed}.properties).ECSManagedResourceArns.IngressPath.ListenerRuleArn}`,
        to: `aws_lb_listener_rule.${rule}`,
      });
      expect(body.lifecycle).toEqual({ ignore_changes: ['action', 'priority'] });
      expect(body.condition[0].host_header.values).toMatch(
        new RegExp(`^\\$\\{distinct\\(concat\\(flatten\\(.*\\), \\["${domain.replace(/\./g, '\\.')}"\\]\\)\\)\\}$`),
      );
      expect(body.tags).toMatch(/^\$\{data\.aws_lb_listener_rule\..*\.tags\}$/);
    },
  );

  it("creates no custom domain resource on App Runner, whose association is the compute stack's", () => {
    const appRunner = synthPlatform('production').parsed('edge') as any;
    for (const type of ['aws_acm_certificate', 'aws_lb_listener_certificate', 'aws_lb_listener_rule'])
      expect(resourcesOf(appRunner, type)).toEqual({});
  });
});

describe('bot management settings: each one sent is set explicitly, the rest left to the dashboard', () => {
  it('sends is_robots_txt_managed from edge.bots.robotsTxtManaged: the provider would send its default, false, on every apply', () => {
    const shipped = resourcesOf(synthPlatform('production').parsed('edge'), 'cloudflare_bot_management');
    expect(Object.values(shipped).map((r: any) => r.is_robots_txt_managed)).toEqual([false]);
    const config = environment('production', { edge: { bots: { robotsTxtManaged: true } } });
    const managed = resourcesOf(synthPlatform(config, [config]).parsed('edge'), 'cloudflare_bot_management');
    expect(Object.values(managed).map((r: any) => r.is_robots_txt_managed)).toEqual([true]);
  });

  it('is a zone-wide field: every environment of the zone must say the same', () => {
    const owner = environment('production');
    const member = environment('staging', { edge: { bots: { robotsTxtManaged: true } } });
    expect(() => checkZone([owner, member])).toThrow('staging.json edge.bots: is zone-wide and must equal the zone owner');
  });
});

describe.each(['staging', 'production'])('the %s edge stack', (name) => {
  const config = loadEnvironment(name);
  const synth = synthPlatform(config);
  const json = synth.json('edge');
  const parsed = synth.parsed('edge');

  it("points its hostnames, proxied, at the compute services' DNS targets", () => {
    expect(json).toHaveResourceWithProperties(DnsRecord, {
      name: config.domains.public,
      type: 'CNAME',
      content: '${data.aws_ssm_parameter.contract-compute-web-dns-target.insecure_value}',
      proxied: true,
      ttl: 1,
    });
    expect(json).toHaveResourceWithProperties(DnsRecord, {
      name: config.domains.apiOrigin,
      type: 'CNAME',
      content: '${data.aws_ssm_parameter.contract-compute-api-dns-target.insecure_value}',
      proxied: true,
      ttl: 1,
    });
  });

  it.each(['web', 'api'])('keeps the %s certificate validation records, unproxied and without the trailing dot', (service) => {
    const record = Object.values(resourcesOf(parsed, 'cloudflare_dns_record')).find((r: any) =>
      r.for_each?.includes(`${service}-certificate-validation-records`),
    );
    expect(record).toMatchObject({
      for_each: `\${{ for key, val in jsondecode(data.aws_ssm_parameter.contract-compute-${service}-certificate-validation-records.insecure_value): val.name => val }}`,
      name: '${trimsuffix(each.value.name, ".")}',
      content: '${trimsuffix(each.value.value, ".")}',
      type: '${each.value.type}',
      proxied: false,
    });
    expect(record.lifecycle).toBeUndefined();
  });

  it.each([
    ['web', '/api/health'],
    ['api', '/v1/health'],
  ])('checks %s origin health every 60 s, 10 s timeout, 2 retries on %s', (service, path) => {
    expect(json).toHaveResourceWithProperties(Healthcheck, {
      name: `drop-${name}-${service}`,
      address: `\${data.aws_ssm_parameter.contract-compute-${service}-dns-target.insecure_value}`,
      type: 'HTTPS',
      interval: 60,
      timeout: 10,
      retries: 2,
      http_config: expect.objectContaining({ path, expected_codes: ['200'], method: 'GET' }),
    });
  });

  it.each([
    ['web', 'public'],
    ['api', 'apiOrigin'],
  ] as const)("sends the %s service's custom domain as Host, as real traffic does, and verifies TLS", (service, domain) => {
    const check = Object.values(resourcesOf(parsed, 'cloudflare_healthcheck')).find((c: any) => c.name === `drop-${name}-${service}`);
    expect(check.http_config).toMatchObject({ header: { Host: [config.domains[domain]] }, allow_insecure: false });
  });

  it('routes /v1/* of the public hostname to the api through a Worker on Pro, and warns why', () => {
    expect(json).toHaveResourceWithProperties(WorkersRoute, {
      pattern: `${config.domains.public}/v1/*`,
      script: expect.stringMatching(/^\$\{cloudflare_workers_script\.api-path_script_[0-9A-F]{8}\.script_name\}$/),
    });
    const script = Object.values(resourcesOf(parsed, 'cloudflare_workers_script'))[0];
    expect(script).toMatchObject({
      script_name: `drop-${name}-api-path`,
      account_id: '${data.cloudflare_zone.zone.account.id}',
      main_module: 'worker.js',
    });
    expect(script.bindings).toEqual([{ name: 'API_HOST', type: 'plain_text', text: config.domains.apiOrigin }]);
    expect(warningsOf(synth.platform.edge)).toContainEqual(expect.stringContaining('need the enterprise plan (this zone: pro)'));
  });

  it('gives the Worker no secret of this stack: its X-Origin-Verify binding is set outside Terraform (kept: __tests__/constructs/edge/api-path-worker.test.ts)', () => {
    const script = Object.values(resourcesOf(parsed, 'cloudflare_workers_script'))[0];
    expect(JSON.stringify(script)).not.toContain('secret_string');
    expect(JSON.stringify(script.bindings)).not.toContain('secret_text');
  });

  it('puts no secret value in the synthesized output', () => {
    expect(json).not.toMatch(/secret_string"\s*:/);
  });

  it('shows its warnings in the manifest', () => {
    const manifest = synthManifest(config);
    expect(manifest.stacks.edge.annotations?.map((a) => a.level)).toContain('@cdktf/warn');
  });
});

describe('a zone member (staging) edge stack', () => {
  const parsed = synthPlatform('staging').parsed('edge');

  it('owns no zone-wide settings, rulesets or bot settings: the zone owner holds them', () => {
    expect(resourcesOf(parsed, 'cloudflare_ruleset')).toEqual({});
    expect(resourcesOf(parsed, 'cloudflare_zone_setting')).toEqual({});
    expect(resourcesOf(parsed, 'cloudflare_bot_management')).toEqual({});
  });

  it("reads no secret at all: its Worker's secret is set outside Terraform, and the zone owner sets the header for its hostnames", () => {
    const names = Object.values(parsed.data?.aws_ssm_parameter ?? {}).map((d: any) => d.name);
    expect(names.filter((n) => n.endsWith('origin-verify-secret-arn'))).toEqual([]);
    expect(parsed.data?.[DataAwsSecretsmanagerSecretVersion.tfResourceType]).toBeUndefined();
    expect(JSON.stringify(parsed)).not.toContain('secret_string');
  });
});

/** Production as sole environment of its zone, on another plan. */
function onPlan(plan: EnvironmentConfig['edge']['plan'], botManagement = false): EnvironmentConfig {
  return environment('production', { edge: { plan, addons: { botManagement, loadBalancing: false } } });
}

describe('plan awareness', () => {
  it('refuses the free plan, naming the plan each refused feature needs', () => {
    const message = configErrorOf('production', { edge: { plan: 'free' } });
    expect(message).toContain(
      'edge.plan: allows 1 rate limiting rule(s); the 2 rate limits (auth: /v1/auth/*, /api/auth/*; transactions: /v1/transactions/*) need the pro plan or higher',
    );
    expect(message).toContain('edge.plan: has no Cloudflare Managed Ruleset or OWASP Core Ruleset; the WAF needs the pro plan or higher');
    expect(message).toContain('edge.plan: has no origin health checks (cloudflare_healthcheck); they need the pro plan or higher');
  });

  it('adds "likely automated" to Super Bot Fight Mode on Business, still with a Worker for /v1/*', () => {
    const config = onPlan('business');
    const synth = synthPlatform(config, [config]);
    expect(synth.json('edge')).toHaveResourceWithProperties(BotManagement, { sbfm_likely_automated: 'managed_challenge' });
    expect(synth.json('edge')).toHaveResource(WorkersScript);
    expect(warningsOf(synth.platform.edge)).toHaveLength(2);
  });

  it('routes /v1/* with an origin rule on Enterprise (Host header and DNS record override), with no Worker', () => {
    const config = onPlan('enterprise');
    const synth = synthPlatform(config, [config]);
    const parsed = synth.parsed('edge');
    expect(rulesOf(parsed, 'http_request_origin')).toEqual([
      expect.objectContaining({
        expression: '(http.host eq "getdrop.no") and (starts_with(http.request.uri.path, "/v1/"))',
        action: 'route',
        action_parameters: { host_header: 'api.getdrop.no', origin: { host: 'api.getdrop.no' } },
      }),
    ]);
    expect(resourcesOf(parsed, 'cloudflare_workers_script')).toEqual({});
    expect(resourcesOf(parsed, 'cloudflare_workers_route')).toEqual({});
  });

  it('still uses Super Bot Fight Mode on Enterprise without the Bot Management add-on, and warns', () => {
    const config = onPlan('enterprise');
    const synth = synthPlatform(config, [config]);
    expect(warningsOf(synth.platform.edge)).toEqual([expect.stringContaining('(this zone: enterprise, no Bot Management)')]);
  });

  it("challenges the bot score on Enterprise with the Bot Management add-on, over the zone's hostnames, instead of Super Bot Fight Mode, with no warning", () => {
    const config = onPlan('enterprise', true);
    const synth = synthPlatform(config, [config]);
    const challenge = rulesOf(synth.parsed('edge'), 'http_request_firewall_custom').find((rule) => rule.ref === 'bot_score_challenge');
    expect(challenge).toMatchObject({ action: 'managed_challenge' });
    expect(challenge.expression.startsWith('(http.host in {"getdrop.no" "api.getdrop.no"}) and (cf.bot_management.score lt 30)')).toBe(
      true,
    );
    expect(synth.json('edge')).not.toHaveResourceWithProperties(BotManagement, { sbfm_definitely_automated: 'managed_challenge' });
    expect(warningsOf(synth.platform.edge)).toEqual([]);
  });

  it('keeps the challenge for the web sign-in routes where the plan holds a rule of their own, scoped to the public hostnames', () => {
    // GIVEN Business (five rules) and the web's routes split out of auth into a record of their own
    const config = environment('production', {
      edge: {
        plan: 'business',
        rateLimits: {
          auth: { paths: ['/v1/auth/'] },
          webAuth: {
            paths: ['/api/auth/'],
            hosts: ['public'],
            action: 'managed_challenge',
            requestsPerPeriod: 20,
            periodSeconds: 10,
            mitigationTimeoutSeconds: 0,
          },
        },
      },
    });
    // WHEN synthesized, THEN the web's routes are challenged on the public hostnames only, the API still gets its 429
    const rules = rulesOf(synthPlatform(config, [config]).parsed('edge'), 'http_ratelimit');
    expect(rules.map((rule) => [rule.ref, rule.action])).toEqual([
      ['ratelimit_v1_auth', 'block'],
      ['ratelimit_v1_transactions', 'block'],
      ['ratelimit_api_auth', 'managed_challenge'],
    ]);
    expect(rules[2].expression).toBe(
      '(http.host eq "getdrop.no") and ((http.request.uri.path eq "/api/auth") or (starts_with(http.request.uri.path, "/api/auth/")))',
    );
    expect(rules[2].action_parameters).toBeUndefined();
  });

  it('allows a 60 s rate limit period on Pro', () => {
    const config = environment('production', { edge: { rateLimits: { auth: { periodSeconds: 60 } } } });
    const synth = synthPlatform(config, [config]);
    expect(rulesOf(synth.parsed('edge'), 'http_ratelimit')[0].ratelimit.period).toBe(60);
  });

  it('adds verified partners and monitors to the allow list exceptions, never to the sanctions', () => {
    const config = environment('production', { edge: { countries: { exceptions: { ipRanges: ['192.0.2.0/24'], asns: [64500] } } } });
    const rules = rulesOf(synthPlatform(config, [config]).parsed('edge'), 'http_request_firewall_custom');
    expect(rules[1].expression).toContain('and (not ip.src in {192.0.2.0/24}) and (not ip.src.asnum in {64500})');
    expect(rules[0].expression).not.toContain('192.0.2.0/24');
  });
});

describe('Terraform addresses of the zone-wide resources (renaming one replaces it)', () => {
  it('keeps the ruleset, bot management and DNS record addresses', () => {
    const parsed = synthPlatform('production').parsed('edge');
    expect(Object.keys(resourcesOf(parsed, 'cloudflare_ruleset')).sort()).toEqual([
      'cache_ruleset_D8200A89',
      'firewall_ruleset_F6C3AEA9',
      'managed-waf_ruleset_83F4C4E8',
      'origin-rules_verify-header_D75A7910',
      'rate-limits_ruleset_E4E730C9',
    ]);
    expect(Object.keys(resourcesOf(parsed, 'cloudflare_bot_management'))).toEqual(['firewall_bots_51AC8DA7']);
    expect(Object.keys(resourcesOf(parsed, 'cloudflare_dns_record')).sort()).toEqual([
      'dns_api-getdrop-no_F74D4C68',
      'dns_api-validation_0256C141',
      'dns_getdrop-no_6103D6AE',
      'dns_web-validation_6FB72D89',
    ]);
  });
});
