/**
 * How constructs refuse their input. Each construct that has rules exports a pure
 * `xxxProblems(props)` function returning every `Problem` it finds, and throws them together as a
 * `ValidationError` that carries its construct path (TerraConstructs' `ValidationError` is the
 * model). The configuration's cross-field rules call the same functions, so each rule is written
 * once and the configuration and the construct say the same thing.
 */
import type { IConstruct } from 'constructs';

/** One thing wrong with an input: where (a path into the props), the value found, and why. */
export interface Problem {
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
}

/** The value as a message shows it: JSON (cut at 80 characters), or "nothing". */
export function shown(input: unknown): string {
  if (input === undefined) return 'nothing';
  const text = JSON.stringify(input);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "path: message (found: value)" lines, one per problem. */
export function problemLines(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.path.join('.')}: ${p.message} (found: ${shown(p.input)})`);
}

/** A construct refused its props. The message starts with the construct path. */
export class ValidationError extends Error {
  readonly constructPath: string;
  readonly problems: readonly Problem[];

  constructor(scope: IConstruct, problems: readonly Problem[]) {
    const lines = problemLines(problems);
    super(lines.length === 1 ? `${scope.node.path}: ${lines[0]}` : `${scope.node.path}:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
    this.problems = problems;
  }
}

/** Throws the problems as one `ValidationError` of `scope`, if there are any. */
export function throwIfProblems(scope: IConstruct, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(scope, problems);
}

/** The problems with each path rewritten by `map` (props paths to configuration paths). */
export function mapPaths(problems: readonly Problem[], map: (path: (string | number)[]) => (string | number)[]): Problem[] {
  return problems.map((p) => ({ ...p, path: map(p.path) }));
}
