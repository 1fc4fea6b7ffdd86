// @ts-check
/**
 * Whether a process runs deployed, from the signs the compute stack always sets: `DROP_ENV` or
 * `DROP_TIER` set, or `NODE_ENV=production`. Any one sign is enough, so forgetting NODE_ENV never
 * turns a deployed service into a development one (mock sign-in, the development JWT secret, no
 * origin check). Plain JavaScript, like the drain: the web's process wrapper runs it as it is.
 */

/**
 * The signs found, as `NAME=value` (empty when the process runs in development).
 * @param {Readonly<Partial<Record<string, string>>>} env
 * @returns {string[]}
 */
export function deploymentSigns(env) {
  /** @param {string} name */
  const set = (name) => env[name] !== undefined && env[name] !== '';
  return [
    ...(env.NODE_ENV === 'production' ? ['NODE_ENV=production'] : []),
    ...(set('DROP_ENV') ? [`DROP_ENV=${env.DROP_ENV}`] : []),
    ...(set('DROP_TIER') ? [`DROP_TIER=${env.DROP_TIER}`] : []),
  ];
}
