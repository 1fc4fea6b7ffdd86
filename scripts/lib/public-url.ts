/**
 * The health URL of an environment: `https://<domains.public>/v1/health`, through the edge, as
 * users reach it. `DROP_PUBLIC_URLS` (`staging=http://127.0.0.1:4001,production=...`) replaces the
 * origin of the environments it names: the pipeline dry run points them at its local services.
 * Nothing sets it in GitHub Actions.
 */
import { loadEnvironment } from '../../config';

export function healthUrl(environment: string, publicUrls: string | undefined): string {
  const override = (publicUrls ?? '')
    .split(',')
    .map((entry) => entry.trim().split('='))
    .find(([name]) => name === environment)?.[1];
  const origin = override || `https://${loadEnvironment(environment).domains.public}`;
  return `${origin.replace(/\/$/, '')}/v1/health`;
}
