/**
 * The zone's TLS settings: SSL Full (strict), HTTPS only, TLS 1.2 minimum, TLS 1.3, automatic
 * HTTPS rewrites and HSTS. Zone-wide: only the zone owner's edge stack creates them.
 */
import { ZoneSetting } from '@cdktf/provider-cloudflare/lib/zone-setting';
import { Construct } from 'constructs';

export interface ZoneSettingsProps {
  readonly zoneId: string;
  /**
   * HSTS max-age in seconds.
   * @default 31536000 (one year, the minimum the HSTS preload list accepts)
   */
  readonly hstsMaxAgeSeconds?: number;
  /**
   * Ask browsers to put the zone on the HSTS preload list. Hard to undo (months), so off until
   * every name of the zone is HTTPS-only for good.
   * @default false
   */
  readonly hstsPreload?: boolean;
}

/** A zone setting whose value is a plain string: the generated type says map, the API takes any JSON. */
const text = (value: string) => value as unknown as Record<string, unknown>;

export class ZoneSettings extends Construct {
  constructor(scope: Construct, id: string, props: ZoneSettingsProps) {
    super(scope, id);
    const { zoneId } = props;
    const settings: Record<string, Record<string, unknown>> = {
      ssl: text('strict'),
      always_use_https: text('on'),
      min_tls_version: text('1.2'),
      tls_1_3: text('on'),
      automatic_https_rewrites: text('on'),
      security_header: {
        strict_transport_security: {
          enabled: true,
          max_age: props.hstsMaxAgeSeconds ?? 31536000,
          include_subdomains: true,
          preload: props.hstsPreload ?? false,
          nosniff: true,
        },
      },
    };
    for (const [settingId, value] of Object.entries(settings)) {
      new ZoneSetting(this, settingId.replace(/_/g, '-'), { zoneId, settingId, value });
    }
  }
}
