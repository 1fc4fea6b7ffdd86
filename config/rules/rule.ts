/** The shape of a cross-field rule: the problems it finds in a parsed environment. */
import type { Problem } from '../../constructs/validation';
import type { EnvironmentConfig } from '../schema';

export type { Problem };
export type Rule = (env: EnvironmentConfig) => Problem[];
export type Rules = Readonly<Record<string, Rule>>;
