/**
 * The rules of the policy gate: the checks the common open-source IaC scanners (checkov,
 * trivy/tfsec, KICS) apply to the resource types this project uses, re-implemented over the
 * synthesized JSON, plus the project's own (Cloudflare TLS and WAF, plaintext secrets, the state
 * backend). `mirrors` names the scanner rule each one follows; where ours is stricter, `title`
 * says so. Every rule has a test that breaks it on purpose (`__tests__/review/rules/<area>.test.ts`).
 */
import type { Rule } from './kit';
import { iamRules } from './iam';
import { networkRules } from './network';
import { projectRules } from './project';
import { rdsRules } from './rds';
import { storageRules } from './storage';

export type { GateContext, RawFinding, Rule } from './kit';

/** Every rule of the gate, in report order. */
export const RULES: readonly Rule[] = [...rdsRules, ...storageRules, ...iamRules, ...networkRules, ...projectRules];
