/**
 * The policy gate: runs every rule over the synth of one environment and applies the recorded
 * waivers. A waived finding stays in the result (and in the report) with its reason; a waiver
 * that matches nothing is itself a problem, so waivers cannot outlive the reason they were
 * written for. Pure: JSON in, results out.
 */
import { type Synth, actionMatches, resources } from '../terraform';
import { type GateContext, RULES, type RawFinding, type Rule } from './rules';

export interface Finding extends RawFinding {
  readonly environment: string;
  readonly rule: string;
  readonly title: string;
  readonly mirrors: readonly string[];
  readonly fix: string;
}

/** A deliberate exception: one rule, for resources of one stack, with the reason it is accepted. */
export interface Waiver {
  readonly rule: string;
  /**
   * The tier of the environments it holds for (`staging`, `production`), or `*` for every
   * environment and the bootstrap stack: a new environment of a tier gets its tier's waivers.
   */
  readonly tier: string;
  readonly stack: string;
  /** Terraform address; `*` matches any run of characters (`aws_iam_role_policy.identities-*_tfc-apply_policy_*`). */
  readonly address: string;
  /** Why the exception is right, for the reviewer: what risk is accepted and what covers it. */
  readonly reason: string;
}

export interface GateResult {
  readonly environment: string;
  readonly rules: readonly Rule[];
  /** Findings no waiver covers: the gate fails while there are any. */
  readonly findings: readonly Finding[];
  readonly waived: readonly { readonly finding: Finding; readonly waiver: Waiver }[];
  /** Waivers of this environment that matched no finding: the gate fails while there are any. */
  readonly unusedWaivers: readonly Waiver[];
  readonly ok: boolean;
}

export class WaiverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaiverError';
  }
}

const MIN_REASON = 20;

/** Refuses waivers that name no known rule, no stack or address, or give no real reason (all problems at once). */
export function validateWaivers(waivers: readonly Waiver[], rules: readonly Rule[] = RULES): void {
  const ids = new Set(rules.map((rule) => rule.id));
  const problems = waivers.flatMap((waiver, index) => {
    const where = `waiver ${index + 1} (${waiver.rule} ${waiver.tier}/${waiver.stack} ${waiver.address})`;
    return [
      ids.has(waiver.rule) ? undefined : `${where}: unknown rule "${waiver.rule}"; rules are ${[...ids].join(', ')}`,
      waiver.stack && waiver.address && waiver.tier ? undefined : `${where}: tier, stack and address are required`,
      waiver.address === '*' ? `${where}: address "*" would waive the rule for the whole stack; name the resources` : undefined,
      (waiver.reason ?? '').trim().length >= MIN_REASON
        ? undefined
        : `${where}: the reason must say why (at least ${MIN_REASON} characters)`,
    ].filter((problem): problem is string => problem !== undefined);
  });
  if (problems.length > 0)
    throw new WaiverError(`Invalid waivers (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

function covers(waiver: Waiver, finding: Finding): boolean {
  const address = actionMatches(waiver.address, finding.address);
  return waiver.rule === finding.rule && waiver.stack === finding.stack && address;
}

export function runGate(synth: Synth, context: GateContext, waivers: readonly Waiver[] = [], rules: readonly Rule[] = RULES): GateResult {
  validateWaivers(waivers, rules);
  const all: Finding[] = rules.flatMap((rule) =>
    rule
      .check(synth, context)
      .map((raw) => ({ ...raw, environment: context.environment, rule: rule.id, title: rule.title, mirrors: rule.mirrors, fix: rule.fix })),
  );
  // Waivers of this tier for resources this synth has (the bootstrap stack is gated on its own; an
  // ECS Express record exists only where that engine runs). A waiver of a resource that is here
  // and no longer has its finding is stale.
  const present = (w: Waiver) =>
    w.stack in synth && resources({ [w.stack]: synth[w.stack] }).some((resource) => actionMatches(w.address, resource.address));
  const relevant = waivers.filter((w) => (w.tier === '*' || w.tier === context.tier) && present(w));
  const used = new Set<Waiver>();
  const findings: Finding[] = [];
  const waived: { finding: Finding; waiver: Waiver }[] = [];
  for (const finding of all) {
    const waiver = relevant.find((w) => covers(w, finding));
    if (waiver) {
      used.add(waiver);
      waived.push({ finding, waiver });
    } else findings.push(finding);
  }
  const unusedWaivers = relevant.filter((w) => !used.has(w));
  return {
    environment: context.environment,
    rules,
    findings,
    waived,
    unusedWaivers,
    ok: findings.length === 0 && unusedWaivers.length === 0,
  };
}

/** One line per finding: stack, address, rule, what is wrong and the fix. */
export function formatFinding(finding: Finding): string {
  return `${finding.environment}/${finding.stack} ${finding.address} [${finding.rule}] ${finding.message}. Fix: ${finding.fix}`;
}

/** A plain-text summary for the terminal and for test failures. */
export function formatGate(result: GateResult): string {
  const lines = [
    `Policy gate, ${result.environment}: ${result.rules.length} rules, ${result.findings.length} findings, ${result.waived.length} waived, ${result.unusedWaivers.length} unused waivers`,
  ];
  for (const finding of result.findings) lines.push(`  FAIL ${formatFinding(finding)}`);
  for (const { finding, waiver } of result.waived)
    lines.push(`  WAIVED ${finding.stack} ${finding.address} [${finding.rule}]: ${waiver.reason}`);
  for (const waiver of result.unusedWaivers)
    lines.push(`  UNUSED WAIVER ${waiver.tier}/${waiver.stack} ${waiver.address} [${waiver.rule}]: it matches no finding; remove it`);
  return lines.join('\n');
}
