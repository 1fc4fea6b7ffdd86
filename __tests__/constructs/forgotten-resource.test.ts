import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ForgottenResource } from '../../constructs/forgotten-resource';
import { testApp } from '../helpers';

describe('ForgottenResource', () => {
  it('names the address a resource of the same id in the same place had, and keeps the resource (destroy = false)', () => {
    // GIVEN what an earlier version made: a certificate `certificate` in the construct `api`
    const before = new TerraformStack(testApp(), 'test');
    new AcmCertificate(new Construct(before, 'api'), 'certificate', { domainName: 'api.example.com', validationMethod: 'DNS' });
    const [address] = Object.keys(JSON.parse(Testing.synth(before)).resource.aws_acm_certificate);
    // WHEN the next version forgets it in the same place
    const after = new TerraformStack(testApp(), 'test');
    const forgotten = new ForgottenResource(new Construct(after, 'api'), 'certificate', 'aws_acm_certificate');
    const synthesized = JSON.parse(Testing.synth(after));
    // THEN the removed block names exactly that resource, and nothing is created or destroyed
    expect(forgotten.address).toBe(`aws_acm_certificate.${address}`);
    expect(synthesized.removed).toEqual([{ from: `aws_acm_certificate.${address}`, lifecycle: { destroy: false } }]);
    expect(synthesized.resource).toBeUndefined();
  });
});
