/**
 * Writes review/scanners/catalog.json: the check ids checkov and trivy know, at the versions the
 * pull-request workflow runs, read from the scanners' own sources (a clone of each repository,
 * bare or not). The scanner-waiver tests check every waiver against it, offline.
 *
 *   npm run scanner-catalog -- --checkov <clone of bridgecrewio/checkov> --checkov-ref 3.3.13 \
 *     --trivy-checks <clone of aquasecurity/trivy-checks> --trivy-checks-ref v2.2.0
 *
 * checkov: every Terraform check of the providers our stacks use (AWS; GitHub for the bootstrap
 * stack): Python checks (`id = "CKV_..."` or `check_id=`, `supported_resources` / `supported_data`,
 * or their base class's), graph checks
 * (YAML: metadata.id, the definition's resource_types), and the secrets checks' ids.
 * trivy: every check of the trivy-checks bundle (trivy v0.70 downloads major version 2) for AWS and
 * GitHub: METADATA custom.id, its aliases (AVD-AWS-…), title and severity.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';
import type { CheckovCheck, ScannerCatalog, TrivyCheck } from '../review/scanner-waivers';

const PROVIDERS = ['aws', 'github'];

function git(repo: string, args: string[]): string {
  const result = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git -C ${repo} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const files = (repo: string, ref: string, dir: string) => git(repo, ['ls-tree', '-r', '--name-only', ref, dir]).split('\n').filter(Boolean);
const show = (repo: string, ref: string, file: string) => git(repo, ['show', `${ref}:${file}`]);

/**
 * The types a Python check inspects: its `supported_*` lists (`supported_resources = [...]`,
 * `supported_resource = ("...",)`, `supported_data=[...]`), else its base class's (the IAM checks
 * built on cloudsplaining name theirs in the base class).
 */
function supportedTypes(repo: string, ref: string, text: string, depth = 0): string[] {
  const types = [...text.matchAll(/supported_\w*\s*[=:]\s*(?:\w+\s*=\s*)?[[(]([^\])]*)[\])]/g)].flatMap((m) =>
    [...m[1].matchAll(/['"]([\w-]+)['"]/g)].map((t) => t[1]),
  );
  if (types.length > 0 || depth > 2) return [...new Set(types)].sort();
  const base = /^class \w+\((\w+)/m.exec(text)?.[1];
  const module = base ? new RegExp(`^from ([\\w.]+) import (?:\\([^)]*?|[^\\n(]*?)\\b${base}\\b`, 'm').exec(text)?.[1] : undefined;
  if (!module) return [];
  try {
    return supportedTypes(repo, ref, show(repo, ref, `${module.replace(/\./g, '/')}.py`), depth + 1);
  } catch {
    return [];
  }
}

function checkovChecks(repo: string, ref: string): Record<string, CheckovCheck> {
  const checks: Record<string, CheckovCheck> = {};
  for (const kind of ['resource', 'data', 'provider']) {
    for (const provider of PROVIDERS) {
      for (const file of files(repo, ref, `checkov/terraform/checks/${kind}/${provider}`).filter((f) => f.endsWith('.py'))) {
        const text = show(repo, ref, file);
        for (const id of text.matchAll(/\b(?:check_)?id\s*=\s*["'](CKV2?_[A-Z]+_\d+)["']/g)) {
          const name = (/\bname\s*=\s*(["'])((?:\\.|(?!\1).)*)\1/.exec(text)?.[2] ?? '').replace(/\\(.)/g, '$1');
          checks[id[1]] = { name, types: supportedTypes(repo, ref, text) };
        }
      }
    }
  }
  const resourceTypes = (node: unknown): string[] =>
    node === null || typeof node !== 'object'
      ? []
      : Array.isArray(node)
        ? node.flatMap(resourceTypes)
        : Object.entries(node).flatMap(([key, value]) => (key === 'resource_types' ? [value].flat().map(String) : resourceTypes(value)));
  for (const provider of PROVIDERS) {
    for (const file of files(repo, ref, `checkov/terraform/checks/graph_checks/${provider}`).filter((f) => /\.ya?ml$/.test(f))) {
      const check = load(show(repo, ref, file)) as { metadata?: { id?: string; name?: string }; definition?: unknown };
      if (check.metadata?.id)
        checks[check.metadata.id] = { name: check.metadata.name ?? '', types: [...new Set(resourceTypes(check.definition))].sort() };
    }
  }
  for (const m of show(repo, ref, 'checkov/secrets/runner.py').matchAll(/'([^']+)':\s*'(CKV_SECRET_\d+)'/g))
    checks[m[2]] = { name: m[1], types: [] };
  return Object.fromEntries(Object.entries(checks).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

function trivyChecks(repo: string, ref: string): Record<string, TrivyCheck> {
  const checks: Record<string, TrivyCheck> = {};
  for (const provider of PROVIDERS) {
    for (const file of files(repo, ref, `checks/cloud/${provider}`).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))) {
      // The METADATA annotation: the comment block that starts with "# METADATA" (OPA's annotations).
      const lines = show(repo, ref, file).split('\n');
      const start = lines.findIndex((line) => line.trim() === '# METADATA');
      if (start < 0) continue;
      const end = lines.findIndex((line, i) => i > start && !line.startsWith('#'));
      const metadata = lines
        .slice(start + 1, end < 0 ? undefined : end)
        .map((line) => line.replace(/^# ?/, ''))
        .join('\n');
      const meta = load(metadata) as { title?: string; custom?: { id?: string; aliases?: string[]; severity?: string } } | null;
      const id = meta?.custom?.id;
      if (id) checks[id] = { title: meta!.title ?? '', aliases: meta!.custom!.aliases ?? [], severity: meta!.custom!.severity ?? '' };
    }
  }
  return Object.fromEntries(Object.entries(checks).sort(([a], [b]) => a.localeCompare(b)));
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      checkov: { type: 'string' },
      'checkov-ref': { type: 'string', default: '3.3.13' },
      'trivy-checks': { type: 'string' },
      'trivy-checks-ref': { type: 'string', default: 'v2.2.0' },
    },
    strict: true,
  });
  if (!values.checkov || !values['trivy-checks']) {
    console.error(
      'usage: npm run scanner-catalog -- --checkov <clone> [--checkov-ref 3.3.13] --trivy-checks <clone> [--trivy-checks-ref v2.2.0]',
    );
    process.exitCode = 1;
  } else {
    const checkovRef = values['checkov-ref']!;
    const trivyRef = values['trivy-checks-ref']!;
    const catalog: ScannerCatalog = {
      checkov: {
        ref: checkovRef,
        commit: git(values.checkov, ['rev-parse', `${checkovRef}^{commit}`]).trim(),
        checks: checkovChecks(values.checkov, checkovRef),
      },
      trivy: {
        ref: trivyRef,
        commit: git(values['trivy-checks'], ['rev-parse', `${trivyRef}^{commit}`]).trim(),
        checks: trivyChecks(values['trivy-checks'], trivyRef),
      },
    };
    const out = path.join(__dirname, '..', 'review', 'scanners', 'catalog.json');
    writeFileSync(out, `${JSON.stringify(catalog, null, 1)}\n`);
    console.log(
      `${out}: ${Object.keys(catalog.checkov.checks).length} checkov checks, ${Object.keys(catalog.trivy.checks).length} trivy checks`,
    );
  }
}
