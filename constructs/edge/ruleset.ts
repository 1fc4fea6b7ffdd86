/**
 * A zone entry-point ruleset: Cloudflare keeps one per phase per zone, and the zone owner's edge
 * stack creates the ones of RULESET_PHASES. Each says in its description what it holds and that
 * this stack manages it, so nobody edits it in the dashboard.
 */
import { DataCloudflareRuleset } from '@cdktf/provider-cloudflare/lib/data-cloudflare-ruleset';
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

/** An entry-point ruleset the zone already has: its id and the name Cloudflare reports for it. */
export interface ExistingRuleset {
  readonly id: string;
  readonly name: string;
}

/** `text` as the body of a quoted Terraform template string: no interpolation, quotes escaped. */
function templateLiteral(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

/**
 * Adopts `existing` as `ruleset`: a Terraform import block (the provider's import id
 * `zones/<zone_id>/<ruleset_id>`) and the recorded name, kept, because cloudflare/cloudflare
 * v5.14 marks a ruleset's `name` RequiresReplace (internal/services/ruleset/schema.go): under any
 * other name the plan after import would be destroy and create, leaving the zone without the
 * phase's rules in between. A data source reads the ruleset's name at plan time and stops the
 * plan when Cloudflare reports another, so a wrong record never becomes a replacement. `path` is
 * the configuration path named in that message.
 */
export function adoptExistingRuleset(ruleset: Ruleset, zoneId: string, existing: ExistingRuleset, path: string): DataCloudflareRuleset {
  ruleset.name = existing.name;
  ruleset.importFrom(`zones/${zoneId}/${existing.id}`);
  const reported = new DataCloudflareRuleset(ruleset.node.scope as Construct, `${ruleset.node.id}-existing`, { zoneId, id: existing.id });
  reported.addOverride('lifecycle.postcondition', [
    {
      condition: `\${self.name == "${templateLiteral(existing.name)}"}`,
      error_message:
        `${path}.name: Cloudflare reports the ruleset ${existing.id} as "\${self.name}" (found: "${templateLiteral(existing.name)}"); ` +
        'expected the name Cloudflare reports: under another name the provider replaces the ruleset (name is RequiresReplace). ' +
        'Run npm run edge:existing -- --zone <zone> and record its name.',
    },
  ]);
  return reported;
}
