import { describe, expect, it } from 'vitest';
import { healthUrl } from '../../scripts/lib/public-url';
import { VerifyError, parseCommandLine } from '../../scripts/verify-health';

describe('the health URL of an environment', () => {
  it('is https://<domains.public>/v1/health, through the edge', () => {
    expect(parseCommandLine(['--env', 'staging']).url).toBe('https://staging.getdrop.no/v1/health');
    expect(healthUrl('production-stockholm', undefined)).toBe('https://getdrop.se/v1/health');
  });

  it('is replaced only for the environments DROP_PUBLIC_URLS names (the dry run)', () => {
    const urls = 'staging=http://127.0.0.1:4001/';
    expect(parseCommandLine(['--env', 'staging'], urls).url).toBe('http://127.0.0.1:4001/v1/health');
    expect(parseCommandLine(['--env', 'production'], urls).url).toBe('https://getdrop.no/v1/health');
  });

  it('refuses an unknown environment, and --env with --url', () => {
    expect(() => parseCommandLine(['--env', 'prod'])).toThrow(
      'Unknown environment "prod" (DROP_ENV). Known environments: production, production-stockholm, staging.',
    );
    expect(() => parseCommandLine(['--env', 'staging', '--url', 'https://x/v1/health'])).toThrow(VerifyError);
    expect(() => parseCommandLine(['--env', 'staging', '--url', 'https://x/v1/health'])).toThrow('--env and --url exclude each other');
  });
});
