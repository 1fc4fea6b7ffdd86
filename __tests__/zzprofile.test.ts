import { it } from 'vitest';
it('profile', async () => {
  let t = performance.now();
  const { synthPlatform, synthManifest } = await import('./helpers');
  const { loadEnvironment } = await import('../config');
  console.log('import', performance.now() - t, 'sourcemaps', process.sourceMapsEnabled, typeof Error.prepareStackTrace);
  for (const env of ['staging', 'production', 'staging']) {
    t = performance.now();
    const s = synthPlatform(env);
    const b = performance.now() - t;
    for (const k of ['registry', 'data', 'compute', 'edge'] as const) s.json(k);
    console.log(env, 'build', b, 'synth', performance.now() - t - b);
  }
  t = performance.now();
  synthManifest(loadEnvironment('production'));
  console.log('manifest', performance.now() - t);
}, 60000);
