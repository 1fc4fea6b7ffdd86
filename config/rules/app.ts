/** Cross-field rules of `app` and `alarms`: what production must not run without. */
import { BANKID_PRODUCTION_ISSUER, BANKID_TEST_ISSUERS } from '../names';
import type { Rules } from './rule';

export const appRules: Rules = {
  productionRunsRealBankId: (env) =>
    env.tier === 'production' && env.app.bankidMock
      ? [{ path: ['app', 'bankidMock'], input: true, message: 'must be false when tier is "production"' }]
      : [],
  productionSignsInWithProductionBankId: (env) =>
    env.tier === 'production' && BANKID_TEST_ISSUERS.includes(new URL(env.app.bankidIssuer).host)
      ? [
          {
            path: ['app', 'bankidIssuer'],
            input: env.app.bankidIssuer,
            message: `is a BankID test environment; expected the production issuer (${BANKID_PRODUCTION_ISSUER}) when tier is "production"`,
          },
        ]
      : [],
  productionHasNoDemoData: (env) =>
    env.tier === 'production' && (env.app.seedDemo || env.app.serviceMode !== 'live')
      ? [
          {
            path: ['app', env.app.seedDemo ? 'seedDemo' : 'serviceMode'],
            input: env.app.seedDemo ? true : env.app.serviceMode,
            message: env.app.seedDemo ? 'must be false when tier is "production"' : 'must be "live" when tier is "production"',
          },
        ]
      : [],
  alarmsReachSomeone: (env) =>
    env.tier === 'production' && env.alarms.subscribers.length === 0
      ? [
          {
            path: ['alarms', 'subscribers'],
            input: env.alarms.subscribers,
            message: 'must name at least one subscriber when tier is "production": otherwise alarms reach nobody',
          },
        ]
      : [],
};
