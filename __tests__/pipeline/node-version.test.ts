/**
 * One Node.js version: what CI installs (.nvmrc, read by the setup action), what the images run
 * (the Dockerfile's NODE_IMAGE), what package.json's engines allow (root and workspaces), and the
 * Node types the code compiles against; and every installed dependency's `engines.node` accepts
 * every version engines allows, so `npm ci` on that version warns about none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const json = (file: string) => JSON.parse(read(file));

interface LockPackage {
  readonly engines?: { readonly node?: string };
  readonly os?: readonly string[];
  readonly optional?: boolean;
}

/** Packages of the lockfile whose engines.node does not accept every version of `range`; those never installed on Linux are left out. */
function engineConflicts(lock: { packages: Record<string, LockPackage> }, range: string): string[] {
  return Object.entries(lock.packages)
    .filter(([name, pkg]) => name !== '' && pkg.engines?.node && !(pkg.os && !pkg.os.includes('linux')))
    .filter(([, pkg]) => !semver.subset(range, pkg.engines!.node!))
    .map(([name, pkg]) => `${name.replace(/^.*node_modules\//, '')} wants ${pkg.engines!.node}`);
}

describe('one Node.js version', () => {
  const nvmrc = read('.nvmrc').trim();
  const engines = json('package.json').engines.node as string;

  it('is what CI installs, what the images run, and what engines allow, in every package', () => {
    const setup = load(read('.github/actions/setup/action.yml')) as { runs: { steps: { uses?: string; with?: unknown }[] } };
    const node = setup.runs.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/setup-node'))!;
    expect(node.with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
    const image = /^ARG NODE_IMAGE=node:(\d+)-alpine$/m.exec(read('Dockerfile'));
    expect(image, 'the Dockerfile names its Node image in ARG NODE_IMAGE=node:<major>-alpine').not.toBeNull();
    expect(image![1]).toBe(nvmrc);
    expect(semver.minVersion(engines)!.major).toBe(Number(nvmrc));
    expect(semver.subset(engines, `${nvmrc}.x`), `engines ${engines} allows only Node ${nvmrc}`).toBe(true);
    for (const workspace of ['apps/api', 'apps/web']) expect(json(`${workspace}/package.json`).engines.node, workspace).toBe(engines);
    for (const file of ['package.json', 'apps/api/package.json', 'apps/web/package.json']) {
      expect(semver.major(json(file).devDependencies['@types/node']), `${file} @types/node`).toBe(Number(nvmrc));
    }
  });

  it("satisfies every installed dependency's engines field (no EBADENGINE warning from npm ci)", () => {
    expect(engineConflicts(json('package-lock.json'), engines)).toEqual([]);
  });

  it('finds the conflict CI had: @sparticuz/chromium 153 does not run on Node 20', () => {
    expect(engineConflicts(json('package-lock.json'), '^20.19.0')).toContain('@sparticuz/chromium wants ^22.17.0 || >=24.0.0');
  });
});
