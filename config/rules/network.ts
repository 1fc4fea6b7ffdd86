/** Cross-field rules of `network`: NAT gateways against availability zones. */
import { networkProblems } from '../../constructs/network';
import { mapPaths } from '../../constructs/validation';
import type { Rules } from './rule';

export const networkRules: Rules = {
  // The network construct's own checks: NAT gateways within the zones, the /16 layout.
  natGatewaysWithinZones: (env) => mapPaths(networkProblems(env.network), (path) => ['network', ...path]),
  productionNatPerZone: (env) =>
    env.tier === 'production' && env.network.natGateways !== env.network.availabilityZones
      ? [
          {
            path: ['network', 'natGateways'],
            input: env.network.natGateways,
            message: `must equal availabilityZones (${env.network.availabilityZones}) when tier is "production", so egress survives a zone outage`,
          },
        ]
      : [],
};
