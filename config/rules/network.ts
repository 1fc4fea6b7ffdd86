/** Cross-field rules of `network`: NAT gateways against availability zones. */
import type { Rules } from './rule';

export const networkRules: Rules = {
  natGatewaysWithinZones: (env) =>
    env.network.natGateways > env.network.availabilityZones
      ? [
          {
            path: ['network', 'natGateways'],
            input: env.network.natGateways,
            message: `is more than availabilityZones (${env.network.availabilityZones}); expected 1 to ${env.network.availabilityZones}`,
          },
        ]
      : [],
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
