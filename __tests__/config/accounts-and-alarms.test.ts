import { describe, expect, it } from 'vitest';
import { STACK_IDS } from '../../constructs/naming';
import { configErrorOf, environment, synthPlatform } from '../helpers';

describe('aws.accountId', () => {
  it('is required, as a 12-digit id', () => {
    expect(configErrorOf('staging', { aws: { accountId: '1234-5678' } })).toContain(
      'aws.accountId: expected a 12-digit AWS account id such as "123456789012" (found: "1234-5678")',
    );
  });

  it('limits the provider to that account unless allowedAccountIds says otherwise', () => {
    // GIVEN staging: an account id, no allowedAccountIds
    expect(environment('staging').aws.accountId).toBe('123456789012');
    expect(environment('staging').aws.allowedAccountIds).toBeUndefined();
    // THEN the AWS provider of each of its stacks allows that account and no other
    const synth = synthPlatform('staging');
    for (const stack of STACK_IDS) {
      expect(synth.parsed(stack).provider?.aws?.map((provider) => provider.allowed_account_ids)).toEqual([['123456789012']]);
    }
  });
});

describe('alarms.subscribers', () => {
  it('refuses production without a subscriber: alarms would reach nobody', () => {
    expect(configErrorOf('production', { alarms: { subscribers: [] } })).toContain(
      'alarms.subscribers: must name at least one subscriber when tier is "production": otherwise alarms reach nobody (found: [])',
    );
  });

  it('refuses a malformed email address', () => {
    expect(configErrorOf('staging', { alarms: { subscribers: [{ protocol: 'email', endpoint: 'oncall-at-getdrop' }] } })).toContain(
      'alarms.subscribers.0.endpoint: expected an email address such as "oncall@getdrop.no" (found: "oncall-at-getdrop")',
    );
  });

  it('refuses an https subscriber that is not https', () => {
    expect(
      configErrorOf('staging', { alarms: { subscribers: [{ protocol: 'https', endpoint: 'http://hooks.example.com/sns' }] } }),
    ).toContain(
      'alarms.subscribers.0.endpoint: expected an https:// URL (an incident tool\'s SNS webhook) (found: "http://hooks.example.com/sns")',
    );
  });

  it('refuses a protocol SNS alarms do not use here', () => {
    expect(configErrorOf('staging', { alarms: { subscribers: [{ protocol: 'sms', endpoint: '+4700000000' }] } })).toContain(
      'alarms.subscribers.0.protocol: expected a subscriber with protocol "email" or "https" (found: {"protocol":"sms","endpoint":"+4700000000"})',
    );
  });
});
