import { describe, expect, it } from 'vitest';
import { Naming } from '../constructs/naming';

describe('Naming', () => {
  const naming = new Naming({ project: 'drop', name: 'staging' });

  it('prefixes resource names with project and environment', () => {
    expect(naming.resource('ci-push')).toBe('drop-staging-ci-push');
    expect(naming.repository('api')).toBe('drop-staging/api');
    expect(naming.workspace('edge')).toBe('drop-staging-edge');
    expect(naming.stateKey('data')).toBe('drop/staging/data.tfstate');
  });

  it('refuses a name part that is not lower-case letters, digits and dashes', () => {
    expect(() => naming.resource('Ci_Push')).toThrow('Invalid name part "Ci_Push": expected lower-case letters and digits joined by "-"');
  });
});
