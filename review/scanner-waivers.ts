/**
 * The real scanners' waivers, generated from ours (review/waivers.ts), so one file rules the policy
 * gate, trivy and checkov. For one environment's synth (or the bootstrap stack's): the gate's
 * waived findings, each through its rule's `mirrors` to the scanner checks it stands for, as
 * narrowly as each scanner allows:
 *
 * - trivy (`trivy config`, run per stack): an ignore policy in Rego that drops a finding of that
 *   check on exactly the waived addresses (`input.CauseMetadata.Resource`, the root block trivy
 *   reports; for a policy attached from a `data.aws_iam_policy_document`, that document too).
 *   trivy evaluates it with `data.trivy.ignore` (pkg/result/filter.go), Rego v0 syntax.
 * - checkov (`--framework terraform_json`, run per stack): its Terraform-JSON runner skips by check
 *   id only, for the whole file (`skip-check` in a config file). Where the stack holds resources of
 *   the check's types that our waiver does not cover, checkov's skip is wider than ours: the config
 *   says so in a comment, and docs/review-tooling.md lists it (a test keeps the list current).
 *
 * Check ids come from review/scanners/catalog.json (the scanners' sources, npm run scanner-catalog).
 * Pure: gate result and synth in, file texts out.
 */
import type { GateResult } from './policy/gate';
import type { Rule } from './policy/rules';
import catalogJson from './scanners/catalog.json';
import { type Synth, dataSources, resources } from './terraform';

export interface CheckovCheck {
  readonly name: string;
  /** Resource or data source types it inspects. */
  readonly types: readonly string[];
}

export interface TrivyCheck {
  readonly title: string;
  readonly aliases: readonly string[];
  readonly severity: string;
}

/** What review/scanners/catalog.json holds (scripts/scanner-catalog.ts writes it). */
export interface ScannerCatalog {
  readonly checkov: { readonly ref: string; readonly commit: string; readonly checks: Readonly<Record<string, CheckovCheck>> };
  readonly trivy: { readonly ref: string; readonly commit: string; readonly checks: Readonly<Record<string, TrivyCheck>> };
}

export const CATALOG = catalogJson as ScannerCatalog;

export type Scanner = 'checkov' | 'trivy';

export interface ScannerCheck {
  readonly scanner: Scanner;
  /** checkov: CKV_AWS_157; trivy: its id, AWS-0177. */
  readonly id: string;
}

/** The scanner checks a rule mirrors (`checkov CKV_AWS_16`, `trivy AVD-AWS-0080`); unknown ids are returned with `known: false`. */
export function scannerChecks(
  rule: Pick<Rule, 'mirrors'>,
  catalog: ScannerCatalog = CATALOG,
): (ScannerCheck & { known: boolean; mirror: string })[] {
  return rule.mirrors.flatMap((mirror): (ScannerCheck & { known: boolean; mirror: string })[] => {
    const [scanner, id] = mirror.split(' ');
    if (scanner === 'checkov') return [{ scanner, id, known: id in catalog.checkov.checks, mirror }];
    if (scanner === 'trivy') {
      const found = Object.entries(catalog.trivy.checks).find(([key, check]) => key === id || check.aliases.includes(id));
      return [{ scanner, id: found?.[0] ?? id, known: found !== undefined, mirror }];
    }
    return [];
  });
}

/** Where a scanner's waiver reaches further than ours. */
export interface WiderWaiver {
  readonly scanner: Scanner;
  readonly check: string;
  readonly environment: string;
  readonly stack: string;
  readonly rule: string;
  /** The addresses our waiver covers. */
  readonly ours: readonly string[];
  /** Addresses of the check's types in the stack that our waiver does not cover, but the scanner's does. */
  readonly also: readonly string[];
}

export interface StackWaivers {
  readonly stack: string;
  /** The trivy ignore policy (Rego). */
  readonly trivy: string;
  /** The checkov config file (YAML, skip-check). */
  readonly checkov: string;
  readonly checkovSkips: readonly string[];
  readonly wider: readonly WiderWaiver[];
}

/** The data sources a resource's policy comes from (`${data.aws_iam_policy_document.X.json}`). */
function documentsOf(synth: Synth, stack: string, address: string): string[] {
  const [type, name] = address.split('.');
  const body = synth[stack]?.resource?.[type]?.[name] ?? {};
  return [...JSON.stringify(body).matchAll(/\$\{(data\.aws_iam_policy_document\.[\w-]+)\.json\}/g)].map((m) => m[1]);
}

/** `text` as comment lines of at most about 100 characters (a longer word keeps its own line). */
function comment(text: string, prefix = '# '): string {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (lines.length > 0 && lines[lines.length - 1].length + word.length < 96) lines[lines.length - 1] += ` ${word}`;
    else lines.push(word);
  }
  return lines.map((line) => `${prefix}${line}`).join('\n');
}

/** The scanners' waivers of each stack of a synth, from the gate's waived findings. */
export function scannerWaivers(synth: Synth, gate: GateResult, catalog: ScannerCatalog = CATALOG): StackWaivers[] {
  const rules = new Map(gate.rules.map((rule) => [rule.id, rule]));
  return Object.keys(synth)
    .sort()
    .map((stack) => {
      const waived = gate.waived.filter((w) => w.finding.stack === stack);
      // trivy: one entry per check and address.
      const trivy: { id: string; address: string; rule: string; reason: string }[] = [];
      // checkov: one skip per check, with the addresses ours covers.
      const checkov = new Map<string, { rules: Set<string>; reasons: Set<string>; ours: Set<string> }>();
      for (const { finding, waiver } of waived) {
        for (const check of scannerChecks(rules.get(finding.rule)!, catalog).filter((c) => c.known)) {
          if (check.scanner === 'trivy') {
            for (const address of [finding.address, ...documentsOf(synth, stack, finding.address)]) {
              if (!trivy.some((t) => t.id === check.id && t.address === address))
                trivy.push({ id: check.id, address, rule: finding.rule, reason: waiver.reason });
            }
          } else {
            const entry = checkov.get(check.id) ?? { rules: new Set(), reasons: new Set(), ours: new Set() };
            entry.rules.add(finding.rule);
            entry.reasons.add(waiver.reason);
            entry.ours.add(finding.address);
            for (const document of documentsOf(synth, stack, finding.address)) entry.ours.add(document);
            checkov.set(check.id, entry);
          }
        }
      }
      const wider: WiderWaiver[] = [];
      const skips = [...checkov.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      const checkovLines: string[] = [];
      for (const id of skips) {
        const entry = checkov.get(id)!;
        const types = catalog.checkov.checks[id].types;
        const inStack = [...resources({ [stack]: synth[stack] }), ...dataSources({ [stack]: synth[stack] })]
          .filter((r) => types.length === 0 || types.includes(r.type))
          .map((r) => r.address);
        const also = inStack.filter((address) => !entry.ours.has(address)).sort();
        const rule = [...entry.rules].join(', ');
        checkovLines.push(comment(`${rule} (checkov ${id}: ${catalog.checkov.checks[id].name}): ${[...entry.reasons].join(' ')}`, '  # '));
        if (also.length > 0) {
          wider.push({ scanner: 'checkov', check: id, environment: gate.environment, stack, rule, ours: [...entry.ours].sort(), also });
          checkovLines.push(
            comment(
              `WIDER THAN OURS: checkov skips ${id} for the whole stack, so also for ${also.length} ${types.length > 0 ? types.join('/') : ''} block(s) our waiver does not name: ${also.join(', ')}. The offline policy gate still checks those.`,
              '  # ',
            ),
          );
        }
        checkovLines.push(`  - ${id}`);
      }
      const header = (tool: string) =>
        [
          `# Generated by npm run scanner-waivers from review/waivers.ts: ${tool} waivers of the ${stack} stack of ${gate.environment}. Do not edit;`,
          '# change review/waivers.ts (docs/review-tooling.md, "The real scanners").',
        ].join('\n');
      const checkovText = [
        header("checkov's"),
        "# checkov's Terraform-JSON runner skips by check id only, for the whole file: each skip below names the",
        '# addresses our waiver covers, and says so where checkov skips more.',
        skips.length === 0 ? 'skip-check: []' : 'skip-check:',
        ...checkovLines,
        '',
      ].join('\n');
      const trivyText = [
        header("trivy's"),
        '# trivy drops a finding when `ignore` holds for it (pkg/result/filter.go; Rego v0): only the waived check on the waived address.',
        'package trivy',
        '',
        'default ignore = false',
        '',
        'check(id) {',
        '\tinput.ID == id',
        '}',
        '',
        'check(id) {',
        '\tinput.AVDID == concat("", ["AVD-", id])',
        '}',
        ...trivy.flatMap((t) => [
          '',
          comment(`${t.rule} (trivy ${t.id}): ${t.reason}`),
          'ignore {',
          `\tcheck(${JSON.stringify(t.id)})`,
          `\tinput.CauseMetadata.Resource == ${JSON.stringify(t.address)}`,
          '}',
        ]),
        '',
      ].join('\n');
      return { stack, trivy: trivyText, checkov: checkovText, checkovSkips: skips, wider };
    });
}

/** The rows of docs/review-tooling.md's table of wider waivers. */
export function widerRows(wider: readonly WiderWaiver[]): string[] {
  return wider.map((w) => `| ${w.scanner} ${w.check} | ${w.environment} / ${w.stack} | ${w.rule} | ${w.ours.length} | ${w.also.length} |`);
}
