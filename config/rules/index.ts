/**
 * Rules that involve more than one field, by area. Each returns the problems it finds; all run
 * together so one error lists every problem.
 */
import { environmentSchema } from '../schema';
import { appRules } from './app';
import { ciRules } from './ci';
import { computeRules } from './compute';
import { databaseRules } from './database';
import { edgeRules } from './edge';
import { networkRules } from './network';
import type { Rules } from './rule';

export const crossFieldRules: Rules = { ...computeRules, ...databaseRules, ...networkRules, ...appRules, ...edgeRules, ...ciRules };

/** The schema with the cross-field rules attached: what the loader parses with. */
export const validatedEnvironmentSchema = environmentSchema.superRefine((env, ctx) => {
  for (const rule of Object.values(crossFieldRules)) {
    for (const problem of rule(env)) {
      ctx.addIssue({ code: 'custom', path: problem.path, input: problem.input, message: problem.message });
    }
  }
});
