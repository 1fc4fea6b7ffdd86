/**
 * A zone entry-point ruleset: Cloudflare keeps one per phase per zone, and the zone owner's edge
 * stack creates the ones of RULESET_PHASES. Each says in its description what it holds and that
 * this stack manages it, so nobody edits it in the dashboard.
 */
import { Ruleset, type RulesetConfig } from '@cdktf/provider-cloudflare/lib/ruleset';
import type { Construct } from 'constructs';
import type { RulesetPhase } from './cloudflare';

export interface EntryPointRulesetProps {
  readonly zoneId: string;
  readonly phase: RulesetPhase;
  readonly name: string;
  /** What the rules do, e.g. "API rate limits per client IP". */
  readonly purpose: string;
  readonly rules: RulesetConfig['rules'];
}

export function entryPointRuleset(scope: Construct, id: string, props: EntryPointRulesetProps): Ruleset {
  const { zoneId, phase, name, purpose, rules } = props;
  return new Ruleset(scope, id, { zoneId, kind: 'zone', phase, name, description: `${purpose} (managed by the drop edge stack)`, rules });
}
