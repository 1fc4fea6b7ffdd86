/**
 * The import graph of the infrastructure code: no cycles (type-only imports included), and
 * constructs never import the configuration or the stacks (ESLint says the same per file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const DIRS = ['config', 'constructs', 'stacks', 'review', 'scripts', 'bench'];

function sourceFiles(): string[] {
  const files = [path.join(ROOT, 'main.ts')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const dir of DIRS) walk(path.join(ROOT, dir));
  return files;
}

/** The project files `file` imports (relative specifiers only), as absolute paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
        (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
      );
      return found;
    })
    .filter((found): found is string => found !== undefined && found.endsWith('.ts'));
}

export function importGraph(): Map<string, string[]> {
  return new Map(sourceFiles().map((file) => [file, importsOf(file)]));
}

/** The strongly connected components with more than one file (or a file importing itself): the cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.map((f) => path.relative(ROOT, f)).sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  const graph = importGraph();

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    // GIVEN a graph where a imports b and b imports a
    const small = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/a.ts']],
      ['/c.ts', ['/a.ts']],
    ]);
    // THEN
    expect(cycles(small)).toHaveLength(1);
  });

  it('has no construct that imports config/ or stacks/', () => {
    const offending = [...graph].flatMap(([file, imports]) =>
      path.relative(ROOT, file).startsWith('constructs/')
        ? imports
            .filter((imported) => /^(config|stacks)\//.test(path.relative(ROOT, imported)))
            .map((imported) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, imported)}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('reads type-only imports too', () => {
    expect(graph.get(path.join(ROOT, 'config/rules/rule.ts'))).toContain(path.join(ROOT, 'config/schema.ts'));
  });
});
