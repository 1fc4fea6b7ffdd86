/**
 * The risk flags of the review report (review/diff.ts: replacing or deleting a stateful resource),
 * read from a real `terraform plan`: its human-readable output, whose resource lines are
 *
 *   # aws_db_instance.database_instance_D7FC2283 must be replaced
 *   # aws_ecr_repository.registry_api_1A2B3C4D will be destroyed
 *   # aws_kms_key.key_5E6F7A8B will be replaced, as requested
 *
 * (terraform internal/command/jsonformat/plan.go, resourceChangeComment: "must be replaced", "is
 * tainted, so must be replaced", "will be replaced, as requested", "will be replaced due to changes
 * in replace_triggered_by", "will be destroyed"; not "must be replaced, but the existing object will
 * not be destroyed" nor "will not be destroyed", which keep the object). The text is read rather than
 * `terraform show -json`, because for a saved plan of a Terraform Cloud run the JSON needs admin
 * rights on the workspace (terraform internal/cloud/backend_show.go: the unredacted JSON), which
 * the deploy tokens do not have. Pure: text in, values out.
 */
import { type Risk, STATEFUL_TYPES } from './diff';

export interface PlannedRisk {
  readonly address: string;
  readonly type: string;
  readonly risk: Risk;
}

const ACTION =
  /^\s*# (\S+)(?: \(deposed object \w+\))? (is tainted, so must be replaced|must be replaced(?!, but)|will be replaced(?:, as requested| due to changes in replace_triggered_by)|will be destroyed)/;

/** The type of a resource address (`module.a.aws_x.y[0]` → `aws_x`); undefined for data sources. */
export function typeOf(address: string): string | undefined {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  while (parts[0] === 'module') parts.splice(0, 2);
  return parts[0] === 'data' ? undefined : parts[0];
}

/** Every replacement or deletion of a stateful resource (STATEFUL_TYPES) in a plan's output. */
export function planRisks(planText: string): PlannedRisk[] {
  const risks: PlannedRisk[] = [];
  for (const line of planText.split('\n')) {
    const m = ACTION.exec(line);
    if (!m) continue;
    const type = typeOf(m[1]);
    if (!type || !(STATEFUL_TYPES as readonly string[]).includes(type)) continue;
    const replaced = m[2] !== 'will be destroyed';
    risks.push({
      address: m[1],
      type,
      risk: replaced
        ? { kind: 'replace-stateful', message: `replaces a stateful ${type} (the plan says "${m[2]}"): its data goes with the old one` }
        : { kind: 'delete-stateful', message: `deletes a stateful ${type} (the plan says "${m[2]}")` },
    });
  }
  return risks;
}
