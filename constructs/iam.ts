/** Small IAM helpers shared by the constructs. */
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatementCondition,
  type DataAwsIamPolicyDocumentStatement,
  dataAwsIamPolicyDocumentStatementToTerraform,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Lazy, type TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import { DropError } from './validation';

/** The trust policy of a role that only `service` (a service principal) may assume. */
export function assumedBy(scope: Construct, id: string, service: string): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [service] }] }],
  });
}

/** Something a grant method can add statements to: a principal's policy, or a resource's. */
export interface Grantable {
  addToPolicy(...statements: DataAwsIamPolicyDocumentStatement[]): void;
}

/**
 * A policy document whose statements are collected first and rendered at synth (cdktf `Lazy`),
 * so grants may be added after the document exists. Statements keep the order they were added
 * in; a statement whose `sid` is already there is merged into it (see `addToPolicy`).
 */
export class PolicyStatements implements Grantable {
  readonly document: DataAwsIamPolicyDocument;
  private readonly statements: DataAwsIamPolicyDocumentStatement[] = [];

  /** Creates the `aws_iam_policy_document` data source `id` in `scope` (with `provider`, when given). */
  constructor(scope: Construct, id: string, initial: readonly DataAwsIamPolicyDocumentStatement[] = [], provider?: TerraformProvider) {
    this.document = new DataAwsIamPolicyDocument(scope, id, {
      provider,
      statement: Lazy.anyValue({ produce: () => this.statements.map(dataAwsIamPolicyDocumentStatementToTerraform) }),
    });
    this.addToPolicy(...initial);
  }

  /**
   * Adds statements. One whose `sid` is already present is the same grant asked for again (two
   * services asking for the same key use): it is merged, its condition values joined, so the
   * document holds it once.
   */
  addToPolicy(...statements: DataAwsIamPolicyDocumentStatement[]): void {
    for (const statement of statements) {
      const existing = statement.sid === undefined ? -1 : this.statements.findIndex((s) => s.sid === statement.sid);
      if (existing < 0) {
        this.statements.push(statement);
        continue;
      }
      this.statements[existing] = mergeConditions(this.statements[existing], statement);
    }
  }

  get json(): string {
    return this.document.json;
  }
}

/** `a` with the condition values of `b` added (same sid, same actions and principals). */
function mergeConditions(a: DataAwsIamPolicyDocumentStatement, b: DataAwsIamPolicyDocumentStatement): DataAwsIamPolicyDocumentStatement {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (!same(a.actions, b.actions) || !same(a.principals, b.principals) || !same(a.resources, b.resources) || a.effect !== b.effect) {
    throw new DropError(
      `Two different policy statements share the sid "${a.sid}": ${JSON.stringify({ actions: a.actions, resources: a.resources })} and ` +
        `${JSON.stringify({ actions: b.actions, resources: b.resources })}; expected one sid per grant (give the second its own sid)`,
    );
  }
  const conditions = (a.condition ?? []) as DataAwsIamPolicyDocumentStatementCondition[];
  const extra = (b.condition ?? []) as DataAwsIamPolicyDocumentStatementCondition[];
  const merged = conditions.map((condition) => {
    const other = extra.find((c) => c.test === condition.test && c.variable === condition.variable);
    return other ? { ...condition, values: [...new Set([...condition.values, ...other.values])] } : condition;
  });
  return { ...a, condition: merged.length > 0 ? merged : a.condition };
}
