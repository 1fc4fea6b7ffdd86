import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { OriginDns, type OriginDnsProps } from '../../../constructs/edge/origin-dns';
import { resourcesOf } from '../../helpers';
import { synthOf, testStack } from './fixtures';

const PROXIED = { 'test.example.com': 'web.origin.example.net', 'test-api.example.com': 'api.origin.example.net' };

function originDns(props: Partial<OriginDnsProps> = {}) {
  const stack = testStack();
  const dns = new OriginDns(stack, 'dns', { zoneId: 'zone-id', proxied: PROXIED, validationRecords: {}, ...props });
  return { dns, ...synthOf(stack) };
}

/** The records of a synthesized stack by Terraform name, the construct's hash left out. */
function recordsOf(parsed: ReturnType<typeof originDns>['parsed']): Record<string, any> {
  return Object.fromEntries(
    Object.entries(resourcesOf(parsed, 'cloudflare_dns_record')).map(([name, record]) => [name.replace(/_[0-9A-F]{8}$/, ''), record]),
  );
}

describe('OriginDns', () => {
  it.each(Object.entries(PROXIED))('points %s, proxied with automatic TTL, at its origin %s', (name, target) => {
    expect(originDns().json).toHaveResourceWithProperties(DnsRecord, {
      zone_id: 'zone-id',
      name,
      type: 'CNAME',
      content: target,
      proxied: true,
      // Proxied records must use automatic TTL.
      ttl: 1,
      comment: 'Managed by the drop edge stack: the origin behind Cloudflare',
    });
  });

  it('adds the direct names DNS only, so a health check can reach the origin without Cloudflare', () => {
    const { json } = originDns({ direct: { 'origin.test.example.com': 'web.origin.example.net' } });
    expect(json).toHaveResourceWithProperties(DnsRecord, {
      zone_id: 'zone-id',
      name: 'origin.test.example.com',
      type: 'CNAME',
      content: 'web.origin.example.net',
      proxied: false,
      ttl: 300,
      comment: 'Managed by the drop edge stack: the origin itself, for the origin health check (not proxied)',
    });
  });

  it('names each record after its hostname, so its Terraform address never moves with the others', () => {
    const { parsed, dns } = originDns({ direct: { 'origin.test.example.com': 'web.origin.example.net' } });
    expect(Object.keys(recordsOf(parsed)).sort()).toEqual([
      'dns_origin-test-example-com',
      'dns_test-api-example-com',
      'dns_test-example-com',
    ]);
    expect(Object.keys(dns.records).sort()).toEqual(['origin.test.example.com', 'test-api.example.com', 'test.example.com']);
  });

  it('keeps one validation record per entry of a published list, keyed by its name, DNS only and without the trailing dots', () => {
    // GIVEN a JSON list of {name, type, value} known only at plan, as the compute stack publishes it
    const stack = testStack();
    const published = new TerraformVariable(stack, 'web_validation_records', { type: 'string' });
    const dns = new OriginDns(stack, 'dns', { zoneId: 'zone-id', proxied: {}, validationRecords: { web: published.stringValue } });
    // WHEN
    const { parsed } = synthOf(stack);
    // THEN one resource for the list, one record per entry: adding one never re-creates the others
    expect(recordsOf(parsed)['dns_web-validation']).toEqual({
      for_each: '${{ for key, val in jsondecode(var.web_validation_records): val.name => val }}',
      zone_id: 'zone-id',
      name: '${trimsuffix(each.value.name, ".")}',
      type: '${each.value.type}',
      content: '${trimsuffix(each.value.value, ".")}',
      proxied: false,
      ttl: 300,
      comment: 'Certificate validation of the custom domain: keep, the certificate renews against it',
    });
    expect(Object.keys(dns.validations)).toEqual(['web']);
  });

  it("keeps one validation record per name on a certificate of the stack, keyed by the name (known at plan), from the certificate's options", () => {
    // GIVEN a certificate for a domain and its origin check name
    const stack = testStack();
    const certificate = new AcmCertificate(stack, 'certificate', {
      domainName: 'test.example.com',
      subjectAlternativeNames: ['origin.test.example.com'],
      validationMethod: 'DNS',
    });
    new OriginDns(stack, 'dns', {
      zoneId: 'zone-id',
      proxied: {},
      validationRecords: {},
      certificates: { web: { certificate, names: ['test.example.com', 'origin.test.example.com'] } },
      validationTtl: 60,
    });
    // WHEN
    const record = recordsOf(synthOf(stack).parsed)['dns_web-validation'];
    // THEN
    const option = (field: string) =>
      `one([ for key, val in toset(tolist(aws_acm_certificate.certificate.domain_validation_options)): val if val.domain_name == each.key]).${field}`;
    expect(record).toMatchObject({
      for_each: '${toset(["test.example.com", "origin.test.example.com"])}',
      name: `\${trimsuffix(${option('resource_record_name')}, ".")}`,
      type: `\${${option('resource_record_type')}}`,
      content: `\${trimsuffix(${option('resource_record_value')}, ".")}`,
      proxied: false,
      ttl: 60,
    });
    expect(record.lifecycle).toBeUndefined();
  });
});
