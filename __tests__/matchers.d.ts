// Types of the matchers that cdktf's Testing.setupJest() registers (see __tests__/setup.ts).
import 'vitest';

interface TerraformConstructClass {
  readonly tfResourceType: string;
}

interface CdktfMatchers<R = unknown> {
  toHaveResource(type: TerraformConstructClass): R;
  toHaveResourceWithProperties(type: TerraformConstructClass, properties: Record<string, unknown>): R;
  toHaveDataSource(type: TerraformConstructClass): R;
  toHaveDataSourceWithProperties(type: TerraformConstructClass, properties: Record<string, unknown>): R;
  toHaveProvider(type: TerraformConstructClass): R;
  toHaveProviderWithProperties(type: TerraformConstructClass, properties: Record<string, unknown>): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends CdktfMatchers<T> {}
}
