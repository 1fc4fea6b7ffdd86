import { Healthcheck } from '@cdktf/provider-cloudflare/lib/healthcheck';
import { NotificationPolicy } from '@cdktf/provider-cloudflare/lib/notification-policy';
import { describe, expect, it } from 'vitest';
import { OriginHealth, type OriginHealthProps } from '../../../constructs/edge/origin-health';
import { resourcesOf } from '../../helpers';
import { synthOf, testStack } from './fixtures';

const targets: OriginHealthProps['targets'] = {
  web: { name: 'drop-test-web', address: 'web.origin.example.net', host: 'test.example.com', path: '/api/health' },
  api: { name: 'drop-test-api', address: 'api.origin.example.net', host: 'test-api.example.com', path: '/v1/health' },
};

function originHealth(props: Partial<OriginHealthProps> = {}) {
  const stack = testStack();
  new OriginHealth(stack, 'origin-health', {
    zoneId: 'zone-id',
    plan: 'pro',
    targets,
    intervalSeconds: 60,
    timeoutSeconds: 10,
    retries: 2,
    ...props,
  });
  return synthOf(stack);
}

describe('OriginHealth', () => {
  it.each([
    ['web', 'web.origin.example.net', 'test.example.com', '/api/health'],
    ['api', 'api.origin.example.net', 'test-api.example.com', '/v1/health'],
  ])(
    'checks the %s origin over HTTPS at its address, with its custom domain as Host, expecting 200 and verifying TLS',
    (service, address, host, path) => {
      expect(originHealth().json).toHaveResourceWithProperties(Healthcheck, {
        zone_id: 'zone-id',
        name: `drop-test-${service}`,
        description: `Origin health of drop-test-${service}`,
        address,
        type: 'HTTPS',
        interval: 60,
        timeout: 10,
        retries: 2,
        check_regions: ['WEU', 'EEU'],
        http_config: {
          method: 'GET',
          path,
          port: 443,
          header: { Host: [host] },
          expected_codes: ['200'],
          follow_redirects: false,
          allow_insecure: false,
        },
      });
    },
  );

  it('runs the checks from the regions it is given', () => {
    expect(originHealth({ checkRegions: ['ENAM'] }).json).toHaveResourceWithProperties(Healthcheck, { check_regions: ['ENAM'] });
  });

  it('emails the people to notify when any of its checks changes status, from the zone account', () => {
    // GIVEN someone to notify
    const { json, parsed } = originHealth({
      notify: { accountId: 'account-id', name: 'drop-test-origin-health', emails: ['oncall@example.com'] },
    });
    // THEN one policy filtered to exactly these checks
    expect(json).toHaveResourceWithProperties(NotificationPolicy, {
      account_id: 'account-id',
      name: 'drop-test-origin-health',
      description: 'Origin health checks drop-test-web, drop-test-api changed status (managed by the drop edge stack)',
      alert_type: 'health_check_status_notification',
      enabled: true,
      mechanisms: { email: [{ id: 'oncall@example.com' }] },
    });
    const [policy] = Object.values(resourcesOf(parsed, 'cloudflare_notification_policy')) as any[];
    const checks = Object.keys(resourcesOf(parsed, 'cloudflare_healthcheck'));
    expect([...policy.filters.health_check_id].sort()).toEqual(checks.map((id) => `\${cloudflare_healthcheck.${id}.id}`).sort());
  });

  it.each([
    ['nobody is named', undefined],
    ['the list of emails is empty', { accountId: 'account-id', name: 'n', emails: [] }],
  ])('makes no notification policy when %s', (_, notify) => {
    expect(resourcesOf(originHealth({ notify }).parsed, 'cloudflare_notification_policy')).toEqual({});
  });
});

describe('OriginHealth refusals', () => {
  it('refuses the Free plan, which has no health checks, naming Pro', () => {
    expect(() => originHealth({ plan: 'free' })).toThrow(
      'test/origin-health (1 problem):\n  - plan: has no origin health checks (cloudflare_healthcheck); they need the pro plan or higher (found: "free")',
    );
  });

  it("refuses an interval below the plan's minimum, naming the plan that allows it", () => {
    expect(() => originHealth({ intervalSeconds: 30 })).toThrow(
      "test/origin-health (1 problem):\n  - intervalSeconds: is below the pro plan's minimum of 60 seconds; 30 s needs the business plan (found: 30)",
    );
  });

  it('refuses a timeout as long as the interval', () => {
    expect(() => originHealth({ plan: 'enterprise', intervalSeconds: 10, timeoutSeconds: 10 })).toThrow(
      'test/origin-health (1 problem):\n  - timeoutSeconds: must be shorter than intervalSeconds (10) (found: 10)',
    );
  });

  it('reports both at once', () => {
    expect(() => originHealth({ intervalSeconds: 15, timeoutSeconds: 20 })).toThrow(/^test\/origin-health \(2 problems\):/);
  });
});
