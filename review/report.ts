/**
 * The pull-request review report of one environment, in Markdown: risks first, then the changes
 * against the base ref, the policy gate, and the resources per stack. Pure: values in, text out.
 */
import { type Change, type SynthDiff, inventory } from './diff';
import type { GateResult } from './policy/gate';
import type { Synth } from './terraform';

export type BaseSynth =
  | { readonly ref: string; readonly commit?: string; readonly synth: Synth }
  | { readonly ref: string; readonly commit?: string; readonly error: string };

export interface ReportInput {
  readonly environment: string;
  readonly head: Synth;
  readonly base: BaseSynth;
  /** The diff of base and head; absent when the base could not be synthesized. */
  readonly diff?: SynthDiff;
  readonly gate: GateResult;
}

const RISK_LABEL: Record<string, string> = {
  'replace-stateful': 'replaces stateful resource',
  'delete-stateful': 'deletes stateful resource',
  'protection-off': 'turns off protection',
  'encryption-off': 'turns off encryption',
  'public-access': 'opens public access',
  replace: 'replacement',
};

/** Escapes text for a Markdown table cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function renderReport(input: ReportInput): string {
  const { environment, head, base, diff, gate } = input;
  const lines: string[] = [];
  const baseName = `${code(base.ref)}${base.commit ? ` (${base.commit.slice(0, 12)})` : ''}`;
  const risks = diff?.changes.flatMap((change) => change.risks.map((risk) => ({ change, risk }))) ?? [];

  lines.push(`## Review: ${environment}`, '');
  const status = gate.ok ? 'passes' : '**fails**';
  lines.push(
    `Policy gate ${status}: ${gate.rules.length} rules, ${gate.findings.length} findings, ${gate.waived.length} waived, ${gate.unusedWaivers.length} unused waivers.`,
  );
  if ('error' in base) {
    lines.push(
      '',
      `> **The base ${baseName} could not be synthesized**, so there is no difference to show:`,
      '>',
      ...base.error
        .trim()
        .split('\n')
        .slice(-12)
        .map((l) => `> ${l}`),
    );
  } else if (diff) {
    const count = (kind: Change['kind']) => diff.changes.filter((c) => c.kind === kind).length;
    lines.push(
      `Against ${baseName}: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed; ${risks.length} risk flags.`,
    );
  }

  if (risks.length > 0) {
    lines.push('', '### Risks', '', '| risk | stack | address | what |', '|---|---|---|---|');
    for (const { change, risk } of risks)
      lines.push(`| ⚠️ ${RISK_LABEL[risk.kind]} | ${change.stack} | ${code(change.address)} | ${cell(risk.message)} |`);
  }

  if (diff && !('error' in base)) {
    lines.push('', '### Changes', '');
    if (diff.changes.length === 0 && diff.outputs.length === 0) lines.push('No difference from the base.');
    else {
      if (diff.changes.length > 0) {
        lines.push('| change | stack | address | details |', '|---|---|---|---|');
        for (const change of diff.changes) {
          const details =
            change.kind === 'changed' ? `attributes: ${change.attributes.join(', ')}` : change.movedTo ? `now ${code(change.movedTo)}` : '';
          lines.push(`| ${change.kind} | ${change.stack} | ${code(change.address)} | ${cell(details)} |`);
        }
      }
      if (diff.outputs.length > 0) {
        lines.push('', '| output | stack | name |', '|---|---|---|');
        for (const output of diff.outputs) lines.push(`| ${output.kind} | ${output.stack} | ${code(output.name)} |`);
      }
    }
  }

  lines.push('', '### Policy gate', '');
  if (gate.findings.length === 0) lines.push('No findings.');
  else {
    lines.push('| stack | address | rule | problem | fix |', '|---|---|---|---|---|');
    for (const f of gate.findings)
      lines.push(`| ${f.stack} | ${code(f.address)} | ${f.rule} (${f.mirrors.join(', ')}) | ${cell(f.message)} | ${cell(f.fix)} |`);
  }
  if (gate.waived.length > 0) {
    lines.push('', 'Waived (recorded in `review/waivers.ts`):', '', '| rule | stack | addresses | reason |', '|---|---|---|---|');
    for (const waiver of [...new Set(gate.waived.map((w) => w.waiver))]) {
      const addresses = gate.waived.filter((w) => w.waiver === waiver).map((w) => code(w.finding.address));
      lines.push(`| ${waiver.rule} | ${waiver.stack} | ${addresses.join('<br>')} | ${cell(waiver.reason)} |`);
    }
  }
  if (gate.unusedWaivers.length > 0) {
    lines.push('', 'Unused waivers (they match no finding: remove them):', '');
    for (const w of gate.unusedWaivers) lines.push(`- ${w.rule} ${w.stack} ${code(w.address)}`);
  }

  lines.push('', '### Resources', '');
  const counts = inventory(head);
  for (const stack of Object.keys(head).sort()) {
    const types = Object.entries(counts[stack] ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const total = types.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`<details><summary>${stack}: ${total} resources</summary>`, '', '| type | count |', '|---|---|');
    for (const [type, n] of types) lines.push(`| ${type} | ${n} |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
