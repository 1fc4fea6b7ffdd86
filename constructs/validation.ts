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

/** "(2 problems):" (or "(<detail>; 2 problems):") and a "  - " line per problem, as every refusal ends. */
export function problemBlock(problems: readonly string[], detail?: string): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `(${detail === undefined ? '' : `${detail}; `}${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * The one base of every refusal of a user's input, from the configuration (`ConfigError`) to a
 * construct (`ValidationError`): its message names where (a file, a configuration path or a
 * construct path), each problem with the value found and what is allowed, as one list. main.ts
 * and the scripts print the message alone (the stack trace only with DEBUG set).
 */
export class DropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A construct refused its props: "<construct path> (N problems):" and one line per problem. */
export class ValidationError extends DropError {
  readonly constructPath: string;
  readonly problems: readonly Problem[];

  constructor(scope: IConstruct, problems: readonly Problem[]) {
    super(`${scope.node.path} ${problemBlock(problemLines(problems))}`);
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
