import { originSecrets } from '@drop/shared/headers';

const digest = async (value: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));

/** Compares without an early exit. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** The digests of the accepted values, computed once per value of the setting (the proxy runs on every request). */
let accepted: { setting: string; digests: Promise<Uint8Array[]> } | undefined;
function acceptedDigests(setting: string): Promise<Uint8Array[]> {
  if (accepted?.setting !== setting) accepted = { setting, digests: Promise.all(originSecrets(setting).map(digest)) };
  return accepted.digests;
}

/**
 * Constant-time check of the edge's `X-Origin-Verify` header: true when `received` equals one of
 * the accepted values of ORIGIN_VERIFY_SECRET, which is `current` or `current,previous` (the secret
 * rotates with no 403s). Both sides are hashed first (equal lengths, nothing learnt from the
 * length) and every value is compared. Web Crypto only, so it runs wherever the proxy runs.
 */
export async function matchesAnySecret(received: string, secretSetting: string): Promise<boolean> {
  const [got, digests] = await Promise.all([digest(received), acceptedDigests(secretSetting)]);
  return digests.reduce((any, value) => equal(got, value) || any, false);
}

export const HEALTH_PATH = '/api/health';
/** App Runner's health check, and HEAD, which answers like GET. */
export const HEALTH_METHODS: readonly string[] = ['GET', 'HEAD'];
