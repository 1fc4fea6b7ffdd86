/**
 * One environment's DNS records: its public and api hostnames as proxied CNAMEs to the compute
 * services' custom-domain targets, and the certificate validation records of those custom domains
 * (unproxied, and kept: the certificates renew against them).
 */
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { Fn, TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';

export interface OriginDnsProps {
  readonly zoneId: string;
  /** Hostname → CNAME target (proxied), e.g. `{ "staging.getdrop.no": "<id>.eu-west-1.awsapprunner.com" }`. */
  readonly proxied: Readonly<Record<string, string>>;
  /**
   * Name → JSON list of `{name, type, value}` validation records (as the compute stack publishes
   * them; names and values may end with a dot).
   */
  readonly validationRecords: Readonly<Record<string, string>>;
  /**
   * TTL of the validation records.
   * @default 300
   */
  readonly validationTtl?: number;
}

export class OriginDns extends Construct {
  readonly records: Readonly<Record<string, DnsRecord>>;

  constructor(scope: Construct, id: string, props: OriginDnsProps) {
    super(scope, id);
    const records: Record<string, DnsRecord> = {};
    for (const [name, target] of Object.entries(props.proxied)) {
      records[name] = new DnsRecord(this, name.replace(/\./g, '-'), {
        zoneId: props.zoneId,
        name,
        type: 'CNAME',
        content: target,
        proxied: true,
        // Proxied records must use automatic TTL.
        ttl: 1,
        comment: 'Managed by the drop edge stack: the origin behind Cloudflare',
      });
    }
    this.records = records;

    for (const [name, json] of Object.entries(props.validationRecords)) {
      // One record per entry, keyed by its name so adding one never re-creates the others.
      const each = TerraformIterator.fromComplexList(Fn.jsondecode(json), 'name');
      new DnsRecord(this, `${name}-validation`, {
        forEach: each,
        zoneId: props.zoneId,
        name: Fn.trimsuffix(each.getString('name'), '.'),
        type: each.getString('type'),
        content: Fn.trimsuffix(each.getString('value'), '.'),
        // DNS only: the certificate authority must see the record itself.
        proxied: false,
        ttl: props.validationTtl ?? 300,
        comment: 'Certificate validation of the custom domain: keep, the certificate renews against it',
      });
    }
  }
}
