/**
 * Builds the web app once per test run, or reuses a build that is newer than every source file
 * and was made for the same NEXT_PUBLIC_SERVICE_MODE; then lays out the standalone directory as
 * the Dockerfile's runner does (static files and public/ beside server.js).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const WEB = path.resolve(import.meta.dirname, '..');
export const SERVICE_MODE = 'demo';
const STAMP = path.join(WEB, '.next', 'drop-test-build.json');
// The shared package is bundled from its source (tsconfig paths).
const SOURCES = ['app', 'lib', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'package.json', '../../packages/shared/src'];

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (p: string) => {
    const stat = statSync(p);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
  };
  for (const source of SOURCES) if (existsSync(path.join(WEB, source))) visit(path.join(WEB, source));
  return newest;
}

function buildIsFresh(): boolean {
  if (!existsSync(STAMP) || !existsSync(path.join(WEB, '.next', 'standalone', 'apps', 'web', 'server.js'))) return false;
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { mode: string; builtAt: number };
  return stamp.mode === SERVICE_MODE && stamp.builtAt > newestSourceMtime();
}

/**
 * The process wrapper the image runs (serve.mjs) goes beside the standalone server.js, and the
 * shared drain it imports into the standalone node_modules, as the build does for the image.
 */
function copyServe(): void {
  const standalone = path.join(WEB, '.next', 'standalone');
  const shared = path.join(WEB, '..', '..', 'packages', 'shared');
  cpSync(path.join(WEB, 'serve.mjs'), path.join(standalone, 'apps', 'web', 'serve.mjs'));
  for (const file of ['package.json', 'src/drain.js', 'src/deployed.js'])
    cpSync(path.join(shared, file), path.join(standalone, 'node_modules', '@drop', 'shared', file), { recursive: true });
}

export default function setup(): void {
  if (buildIsFresh()) return copyServe();
  const startedAt = Date.now();
  const next = path.join(
    path.dirname(createRequire(import.meta.url).resolve('next/package.json', { paths: [WEB] })),
    'dist',
    'bin',
    'next',
  );
  rmSync(path.join(WEB, '.next'), { recursive: true, force: true });
  execFileSync(process.execPath, [next, 'build'], {
    cwd: WEB,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', NEXT_PUBLIC_SERVICE_MODE: SERVICE_MODE },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const standalone = path.join(WEB, '.next', 'standalone', 'apps', 'web');
  cpSync(path.join(WEB, '.next', 'static'), path.join(standalone, '.next', 'static'), { recursive: true });
  cpSync(path.join(WEB, 'public'), path.join(standalone, 'public'), { recursive: true });
  writeFileSync(STAMP, JSON.stringify({ mode: SERVICE_MODE, builtAt: startedAt }));
  copyServe();
}
