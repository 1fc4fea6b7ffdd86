import { ZoneSetting } from '@cdktf/provider-cloudflare/lib/zone-setting';
import { describe, expect, it } from 'vitest';
import { ZoneSettings } from '../../../constructs/edge/zone-settings';
import { resourcesOf } from '../../helpers';
import { synthOf, testStack } from './fixtures';

function zoneSettings(props: { hstsMaxAgeSeconds?: number; hstsPreload?: boolean } = {}) {
  const stack = testStack();
  new ZoneSettings(stack, 'zone-settings', { zoneId: 'zone-id', ...props });
  return synthOf(stack);
}

describe('ZoneSettings', () => {
  it.each([
    ['ssl', 'strict'],
    ['always_use_https', 'on'],
    ['min_tls_version', '1.2'],
    ['tls_1_3', 'on'],
    ['automatic_https_rewrites', 'on'],
  ])('sets the zone setting %s to %s', (settingId, value) => {
    // GIVEN / WHEN
    const { json } = zoneSettings();
    // THEN
    expect(json).toHaveResourceWithProperties(ZoneSetting, { zone_id: 'zone-id', setting_id: settingId, value });
  });

  it('sends HSTS for a year with subdomains and nosniff, without committing to preload', () => {
    const { json } = zoneSettings();
    expect(json).toHaveResourceWithProperties(ZoneSetting, {
      zone_id: 'zone-id',
      setting_id: 'security_header',
      value: { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true } },
    });
  });

  it('sets those six settings and no other', () => {
    const { parsed } = zoneSettings();
    expect(
      Object.values(resourcesOf(parsed, 'cloudflare_zone_setting'))
        .map((s: any) => s.setting_id)
        .sort(),
    ).toEqual(['always_use_https', 'automatic_https_rewrites', 'min_tls_version', 'security_header', 'ssl', 'tls_1_3']);
  });

  it('takes another HSTS max-age and preload when asked', () => {
    // GIVEN a zone ready for the preload list, with two years
    const { json } = zoneSettings({ hstsMaxAgeSeconds: 63072000, hstsPreload: true });
    // THEN
    expect(json).toHaveResourceWithProperties(ZoneSetting, {
      setting_id: 'security_header',
      value: { strict_transport_security: { enabled: true, max_age: 63072000, include_subdomains: true, preload: true, nosniff: true } },
    });
  });

  it('names each setting by its id, so its Terraform address never moves with the others', () => {
    const { parsed } = zoneSettings();
    const addresses = Object.keys(resourcesOf(parsed, 'cloudflare_zone_setting'));
    expect(addresses.map((a) => a.replace(/_[0-9A-F]{8}$/, '')).sort()).toEqual([
      'zone-settings_always-use-https',
      'zone-settings_automatic-https-rewrites',
      'zone-settings_min-tls-version',
      'zone-settings_security-header',
      'zone-settings_ssl',
      'zone-settings_tls-1-3',
    ]);
  });
});
