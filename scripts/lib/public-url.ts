/**
 * The health URL of an environment: `https://<domains.public>/v1/health`, through the edge, as
 * users reach it. `DROP_PUBLIC_URL` replaces the origin (the pipeline dry run points it at the
 * local services; nothing sets it in GitHub Actions).
 */
import { loadEnvironment } from '../../config';

export function healthUrl(environment: string, publicUrl: string | undefined): string {
  const origin = publicUrl || `https://${loadEnvironment(environment).domains.public}`;
  return `${origin.replace(/\/$/, '')}/v1/health`;
}
