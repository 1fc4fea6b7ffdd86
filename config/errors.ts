/** How the configuration refuses its input: one error, every problem on its own line. */
import { DropError, problemBlock } from '../constructs/validation';

export { problemBlock };

/** Bad configuration: the message names each problem, the value found and what is allowed. */
export class ConfigError extends DropError {}
