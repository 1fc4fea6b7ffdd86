/**
 * Constant-time comparison of the edge's `X-Origin-Verify` header with the configured secret.
 * Both sides are hashed first (equal lengths, nothing learnt from the length), then compared
 * without an early exit. Web Crypto only, so it runs wherever the proxy runs.
 */
export async function secretsMatch(received: string, expected: string): Promise<boolean> {
  const digest = async (value: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
  const [a, b] = await Promise.all([digest(received), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/**
 * True when `received` equals one of the accepted values of ORIGIN_VERIFY_SECRET, which is
 * `current` or `current,previous` (the secret rotates with no 403s). Every value is compared.
 */
export async function matchesAnySecret(received: string, secretSetting: string): Promise<boolean> {
  const results = await Promise.all(secretSetting.split(',').map((value) => secretsMatch(received, value.trim())));
  return results.reduce((any, matched) => any || matched, false);
}

export const HEALTH_PATH = '/api/health';
/** App Runner's health check, and HEAD, which answers like GET. */
export const HEALTH_METHODS: readonly string[] = ['GET', 'HEAD'];
