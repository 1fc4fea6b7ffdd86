/**
 * The managed phase (http_request_firewall_managed): the Cloudflare Managed Ruleset and the
 * Cloudflare OWASP Core Ruleset, the latter tuned by paranoia level and anomaly score threshold.
 * Zone-wide: only the zone owner's edge stack creates it.
 */
import type { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import { type Problem, throwIfProblems } from '../validation';
import { type CloudflarePlan, MANAGED_RULESETS, OWASP_ANOMALY_SCORE_RULE } from './cloudflare';
import { limitsOf } from './plan';
import { entryPointRuleset } from './ruleset';

export interface ManagedWafProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  /** OWASP paranoia level 1-4: rules tagged with higher levels are disabled. */
  readonly paranoiaLevel: number;
  /** OWASP anomaly score threshold: 25 (high), 40 (medium) or 60 (low sensitivity). */
  readonly scoreThreshold: number;
  /**
   * What the OWASP ruleset does to a request over the threshold.
   * @default "block"
   */
  readonly owaspAction?: 'block' | 'managed_challenge' | 'log';
}

/** What the zone plan cannot run of `props`; paths are props paths. */
export function managedWafProblems(props: Pick<ManagedWafProps, 'plan'>): Problem[] {
  return limitsOf(props.plan).managedRulesets
    ? []
    : [
        {
          path: ['plan'],
          input: props.plan,
          message: 'has no Cloudflare Managed Ruleset or OWASP Core Ruleset; the WAF needs the pro plan or higher',
        },
      ];
}

export class ManagedWaf extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: ManagedWafProps) {
    super(scope, id);
    throwIfProblems(this, managedWafProblems(props));
    const disabledLevels = [];
    for (let level = props.paranoiaLevel + 1; level <= 4; level++) {
      disabledLevels.push({ category: `paranoia-level-${level}`, enabled: false });
    }
    this.ruleset = entryPointRuleset(this, 'ruleset', {
      zoneId: props.zoneId,
      phase: 'http_request_firewall_managed',
      name: 'Managed WAF',
      purpose: 'Cloudflare Managed Ruleset and OWASP Core Ruleset',
      rules: [
        {
          ref: 'cloudflare_managed',
          description: 'Cloudflare Managed Ruleset',
          expression: 'true',
          action: 'execute',
          actionParameters: { id: MANAGED_RULESETS.cloudflareManaged },
        },
        {
          ref: 'owasp_core',
          description: `Cloudflare OWASP Core Ruleset: paranoia level ${props.paranoiaLevel}, score threshold ${props.scoreThreshold}`,
          expression: 'true',
          action: 'execute',
          actionParameters: {
            id: MANAGED_RULESETS.owaspCore,
            overrides: {
              ...(disabledLevels.length > 0 ? { categories: disabledLevels } : {}),
              rules: [{ id: OWASP_ANOMALY_SCORE_RULE, action: props.owaspAction ?? 'block', scoreThreshold: props.scoreThreshold }],
            },
          },
        },
      ],
    });
  }
}
