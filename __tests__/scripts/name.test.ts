import { describe, expect, it } from 'vitest';
import { name } from '../../scripts/name';

describe('npm run name', () => {
  it('gives the names and settings the workflows need, from the naming code and environment files', () => {
    expect(name(['repository', '--env', 'staging', '--service', 'api'])).toBe('drop-staging/api');
    expect(name(['repository', '--env', 'production-stockholm', '--service', 'web'])).toBe('drop-production-stockholm/web');
    expect(name(['region', '--env', 'production-stockholm'])).toBe('eu-north-1');
    expect(name(['public-host', '--env', 'staging'])).toBe('staging.getdrop.no');
    expect(name(['service-mode', '--env', 'production'])).toBe('live');
  });

  it('names what is wrong', () => {
    expect(() => name(['bucket', '--env', 'staging'])).toThrow(
      'Unknown name "bucket"; expected one of repository, region, public-host, service-mode',
    );
    expect(() => name(['repository', '--env', 'staging', '--service', 'worker'])).toThrow(
      '--service "worker" is unknown; expected one of web, api',
    );
    expect(() => name(['region'])).toThrow('--env is missing; expected an environment name such as staging');
    expect(() => name(['region', '--env', 'nope'])).toThrow('Unknown environment "nope"');
  });
});
