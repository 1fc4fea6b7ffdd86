// @ts-check
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVICE_MODES = ['demo', 'mock', 'live'];
// Baked into the client bundle at build time (docs/requirements.md, Environments: baked at build).
const serviceMode = process.env.NEXT_PUBLIC_SERVICE_MODE || 'demo';
if (!SERVICE_MODES.includes(serviceMode)) {
  throw new Error(`NEXT_PUBLIC_SERVICE_MODE: must be one of ${SERVICE_MODES.join(', ')} (found: ${JSON.stringify(serviceMode)})`);
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  // The workspace root, so the standalone output traces the hoisted node_modules.
  outputFileTracingRoot: path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  env: { NEXT_PUBLIC_SERVICE_MODE: serviceMode },
  poweredByHeader: false,
  // `npm run typecheck` checks the app with tsc; the build does not repeat it on two cores.
  typescript: { ignoreBuildErrors: true },
  // What the proxy (proxy.ts) buffers of a request body (default 10 MB); serve.mjs refuses more
  // than 1 MiB before Next sees it, this keeps `next start` and dev to the same limit.
  experimental: { proxyClientMaxBodySize: '1mb' },
};

export default nextConfig;
