import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
import { Naming } from '../constructs/naming';
import { DropError, ValidationError } from '../constructs/validation';

describe('Naming', () => {
  const naming = new Naming({ project: 'drop', name: 'staging' });

  it('prefixes resource names with project and environment', () => {
    expect(naming.resource('ci-push')).toBe('drop-staging-ci-push');
    expect(naming.repository('api')).toBe('drop-staging/api');
    expect(naming.workspace('edge')).toBe('drop-staging-edge');
    expect(naming.stateKey('data')).toBe('drop/staging/data.tfstate');
  });

  it('refuses a name part that is not lower-case letters, digits and dashes, as a refusal main.ts prints as a list', () => {
    expect(() => naming.resource('Ci_Push')).toThrow(
      new DropError('Invalid name part "Ci_Push": expected lower-case letters and digits joined by "-", such as "api-path"'),
    );
  });

  it('is one story with the configuration: ConfigError and ValidationError are both DropErrors', () => {
    expect(new ConfigError('x')).toBeInstanceOf(DropError);
    expect(new ConfigError('x').name).toBe('ConfigError');
    expect(Object.getPrototypeOf(ValidationError.prototype)).toBe(DropError.prototype);
  });
});
