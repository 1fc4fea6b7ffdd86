/**
 * What both apps share comes from this package: no source file of one app imports the other's by
 * a relative path (the web reads the API's route types through the `@drop/api/app` package path),
 * and the package itself imports nothing outside Node (the infrastructure imports it at synth).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|mjs|js)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((file) => !/(^|\/)(node_modules|\.next|dist|data)\//.test(file));
}

/** Every module specifier a file imports (static, dynamic, type-only, re-exports). */
function specifiers(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('package boundaries', () => {
  it.each([
    ['apps/web', 'apps/api'],
    ['apps/api', 'apps/web'],
  ])('no file of %s imports %s by a relative path', (app, other) => {
    const crossing = sources(app).flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('.'))
        .filter((s) => path.resolve(ROOT, path.dirname(file), s).startsWith(path.join(ROOT, other) + path.sep))
        .map((s) => `${file} -> ${s}`),
    );
    expect(crossing).toEqual([]);
  });

  it('keeps the shared package free of dependencies: only node: built-ins and its own files', () => {
    const foreign = sources('packages/shared/src').flatMap((file) =>
      specifiers(file)
        .filter((s) => !s.startsWith('node:') && !s.startsWith('./'))
        .map((s) => `${file} -> ${s}`),
    );
    expect(foreign).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'packages/shared/package.json'), 'utf8')).dependencies).toBeUndefined();
  });
});
