/**
 * One environment's DNS records: its public and api hostnames as proxied CNAMEs to the compute
 * services' custom-domain targets, DNS-only CNAMEs that reach an origin directly (the names
 * Cloudflare's origin health checks connect to, where the engine needs one), and the certificate
 * validation records of the custom domains (unproxied, and kept: the certificates renew against
 * them).
 */
import type { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { Fn, TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';

export interface OriginDnsProps {
  readonly zoneId: string;
  /** Hostname → CNAME target (proxied), e.g. `{ "staging.getdrop.no": "<id>.eu-west-1.awsapprunner.com" }`. */
  readonly proxied: Readonly<Record<string, string>>;
  /**
   * Hostname → CNAME target, DNS only (not proxied): reached without Cloudflare.
   * @default - none
   */
  readonly direct?: Readonly<Record<string, string>>;
  /**
   * Name → JSON list of `{name, type, value}` validation records (as the compute stack publishes
   * them; names and values may end with a dot).
   */
  readonly validationRecords: Readonly<Record<string, string>>;
  /**
   * Name → an ACM certificate of this same stack and the names on it: its validation records,
   * one per name, keyed by that name, which is known at plan (the record names of a certificate
   * not yet requested are not).
   * @default - none
   */
  readonly certificates?: Readonly<Record<string, { readonly certificate: AcmCertificate; readonly names: readonly string[] }>>;
  /**
   * TTL of the records that are not proxied: the certificate validations and the `direct` origin
   * records (proxied records always take Cloudflare's automatic TTL).
   * @default 300
   */
  readonly validationTtl?: number;
}

export class OriginDns extends Construct {
  readonly records: Readonly<Record<string, DnsRecord>>;
  /** The validation records of each name of `validationRecords` (one resource, one record per entry). */
  readonly validations: Readonly<Record<string, DnsRecord>>;

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
    for (const [name, target] of Object.entries(props.direct ?? {})) {
      records[name] = new DnsRecord(this, name.replace(/\./g, '-'), {
        zoneId: props.zoneId,
        name,
        type: 'CNAME',
        content: target,
        proxied: false,
        ttl: props.validationTtl ?? 300,
        comment: 'Managed by the drop edge stack: the origin itself, for the origin health check (not proxied)',
      });
    }
    this.records = records;

    const validations: Record<string, DnsRecord> = {};
    const validation = (name: string, each: TerraformIterator, record: { name: string; type: string; value: string }) =>
      new DnsRecord(this, `${name}-validation`, {
        forEach: each,
        zoneId: props.zoneId,
        name: Fn.trimsuffix(record.name, '.'),
        type: record.type,
        content: Fn.trimsuffix(record.value, '.'),
        // DNS only: the certificate authority must see the record itself.
        proxied: false,
        ttl: props.validationTtl ?? 300,
        comment: 'Certificate validation of the custom domain: keep, the certificate renews against it',
      });
    // One record per entry, keyed so that adding one never re-creates the others.
    for (const [name, json] of Object.entries(props.validationRecords)) {
      const each = TerraformIterator.fromComplexList(Fn.jsondecode(json), 'name');
      validations[name] = validation(name, each, {
        name: each.getString('name'),
        type: each.getString('type'),
        value: each.getString('value'),
      });
    }
    for (const [name, { certificate, names }] of Object.entries(props.certificates ?? {})) {
      const each = TerraformIterator.fromList([...names]);
      // The certificate's validation option for the name this record is for.
      const option = Fn.one(
        TerraformIterator.fromList(certificate.domainValidationOptions).forExpressionForList(`val if val.domain_name == each.key`),
      );
      validations[name] = validation(name, each, {
        name: Fn.lookup(option, 'resource_record_name'),
        type: Fn.lookup(option, 'resource_record_type'),
        value: Fn.lookup(option, 'resource_record_value'),
      });
    }
    this.validations = validations;
  }
}
