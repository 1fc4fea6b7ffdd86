/** How the configuration refuses its input: one error, every problem on its own line. */

/** Bad configuration: the message names each problem, the value found and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** "(2 problems):" (or "(<detail>; 2 problems):") and a "  - " line per problem, as every error here ends. */
export function problemBlock(problems: readonly string[], detail?: string): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `(${detail === undefined ? '' : `${detail}; `}${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}
