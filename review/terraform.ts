/**
 * The synthesized Terraform JSON (`cdktf.out/stacks/<stack>/cdk.tf.json`) as the review tools see
 * it: resources with their Terraform addresses, references between them, and IAM policy
 * documents in one normalized form whether they are `data.aws_iam_policy_document` blocks
 * (referenced as `${data.aws_iam_policy_document.X.json}`) or inline JSON strings.
 *
 * Pure: JSON in, values out. Nothing here reads files or the environment.
 */

/** One stack's `cdk.tf.json`. */
export interface TerraformJson {
  readonly terraform?: Record<string, any>;
  readonly provider?: Record<string, any>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
  readonly variable?: Record<string, any>;
}

/** Every stack of one environment, by stack name (`registry`, `data`, `compute`, `edge`). */
export type Synth = Readonly<Record<string, TerraformJson>>;

/** Bad input to the review tools: one message that says which input and what is wrong. */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewInputError';
  }
}

/** Parses one `cdk.tf.json`; `source` names it in the error. */
export function parseStack(text: string, source: string): TerraformJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReviewInputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ReviewInputError(`${source}: expected a Terraform JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  for (const key of ['resource', 'data', 'output'] as const) {
    const block = (value as Record<string, unknown>)[key];
    if (block !== undefined && (block === null || typeof block !== 'object' || Array.isArray(block))) {
      throw new ReviewInputError(`${source}: "${key}" must be an object keyed by type (or name), found ${JSON.stringify(block)}`);
    }
  }
  return value as TerraformJson;
}

export interface Resource {
  readonly stack: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** `aws_db_instance.database_instance_D7FC2283`, or `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** The construct path cdktf records (`data/database/instance`), when present. */
  readonly path?: string;
  readonly body: Record<string, any>;
}

/** The managed resources of every stack (optionally of some types), in a stable order. */
export function resources(synth: Synth, ...types: string[]): Resource[] {
  return blocks(synth, 'managed', types);
}

/** The data sources of every stack (optionally of some types). */
export function dataSources(synth: Synth, ...types: string[]): Resource[] {
  return blocks(synth, 'data', types);
}

function blocks(synth: Synth, mode: 'managed' | 'data', types: string[]): Resource[] {
  const found: Resource[] = [];
  for (const stack of Object.keys(synth).sort()) {
    const section = mode === 'managed' ? synth[stack].resource : synth[stack].data;
    for (const type of Object.keys(section ?? {}).sort()) {
      if (types.length > 0 && !types.includes(type)) continue;
      for (const name of Object.keys(section![type]).sort()) {
        const body = section![type][name] ?? {};
        found.push({
          stack,
          mode,
          type,
          name,
          address: mode === 'managed' ? `${type}.${name}` : `data.${type}.${name}`,
          path: body['//']?.metadata?.path,
          body,
        });
      }
    }
  }
  return found;
}

/** A Terraform reference inside an interpolation: `aws_kms_key.k.arn` or `data.x.y.json`. */
export interface Reference {
  readonly address: string;
  readonly attribute: string;
}

const REFERENCE = /\b(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*)/g;

/** Every resource or data source a value refers to (anywhere inside it). */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  walkStrings(value, (text) => {
    for (const interpolation of interpolations(text)) {
      for (const match of interpolation.matchAll(REFERENCE)) {
        found.push({ address: match[1], attribute: match[2] });
      }
    }
  });
  return found;
}

/** The `${...}` expressions in a string (braces balanced, so `${{ for ... }}` is one). */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let start = text.indexOf('${');
  while (start >= 0) {
    let depth = 0;
    let end = start + 1;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    found.push(text.slice(start + 2, end));
    start = text.indexOf('${', end);
  }
  return found;
}

/** Calls `visit` with every string inside `value`, depth first. */
export function walkStrings(value: unknown, visit: (text: string, path: string) => void, path = ''): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => walkStrings(item, visit, `${path}[${index}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '//') continue;
      walkStrings(item, visit, path ? `${path}.${key}` : key);
    }
  }
}

/** True when the whole value is one interpolation (`${...}`), i.e. not a literal. */
export function isInterpolation(value: unknown): boolean {
  return typeof value === 'string' && /^\$\{[^]*\}$/.test(value.trim());
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents

export interface Principal {
  /** `AWS`, `Service`, `Federated`, or `*` for "Principal": "*". */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

export type PolicyDocument =
  | { readonly kind: 'resolved'; readonly source: string; readonly statements: readonly Statement[] }
  | { readonly kind: 'unresolved'; readonly source: string; readonly reason: string };

const list = (value: unknown): string[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/**
 * The policy a resource attribute holds: follows `${data.aws_iam_policy_document.X.json}` (and
 * its `source_policy_documents` / `override_policy_documents`), or parses inline JSON. Anything
 * else (a `jsonencode(...)` expression, a reference to something else) is `unresolved`, so rules
 * can refuse what they cannot read instead of passing it.
 */
export function policyDocument(stack: TerraformJson, value: unknown, seen: readonly string[] = []): PolicyDocument {
  if (value !== null && typeof value === 'object') return fromJson(value as Record<string, unknown>, 'inline object');
  if (typeof value !== 'string') return { kind: 'unresolved', source: String(value), reason: `expected a policy, found ${typeof value}` };
  const text = value.trim();
  const reference = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(text);
  if (reference) {
    const name = reference[1];
    const source = `data.aws_iam_policy_document.${name}`;
    if (seen.includes(name)) return { kind: 'unresolved', source, reason: 'the policy documents refer to each other in a cycle' };
    const document = stack.data?.aws_iam_policy_document?.[name];
    if (!document) return { kind: 'unresolved', source, reason: `${source} does not exist in this stack` };
    return fromDocument(stack, document, source, [...seen, name]);
  }
  if (text.startsWith('{')) {
    try {
      return fromJson(JSON.parse(text), 'inline JSON');
    } catch (error) {
      return { kind: 'unresolved', source: 'inline JSON', reason: `not valid JSON: ${(error as Error).message}` };
    }
  }
  return { kind: 'unresolved', source: text.slice(0, 120), reason: 'not an aws_iam_policy_document reference or a JSON policy' };
}

function fromDocument(stack: TerraformJson, document: Record<string, any>, source: string, seen: readonly string[]): PolicyDocument {
  const statements: Statement[] = [];
  for (const key of ['source_policy_documents', 'override_policy_documents']) {
    for (const other of list(document[key])) {
      const nested = policyDocument(stack, other, seen);
      if (nested.kind === 'unresolved') return { kind: 'unresolved', source, reason: `${key}: ${nested.reason}` };
      statements.push(...nested.statements);
    }
  }
  for (const s of list(document.statement).length ? (document.statement as any[]) : []) {
    const principals = (blocks: any[] | undefined): Principal[] =>
      (blocks ?? []).map((p) => ({ type: String(p.type), identifiers: list(p.identifiers) }));
    statements.push({
      sid: s.sid,
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s.actions),
      notActions: list(s.not_actions),
      resources: list(s.resources),
      notResources: list(s.not_resources),
      principals: principals(s.principals),
      notPrincipals: principals(s.not_principals),
      conditions: (s.condition ?? []).map((c: any) => ({ test: String(c.test), variable: String(c.variable), values: list(c.values) })),
    });
  }
  return { kind: 'resolved', source, statements };
}

function fromJson(policy: Record<string, unknown>, source: string): PolicyDocument {
  const raw = policy.Statement;
  if (raw === undefined) return { kind: 'unresolved', source, reason: 'no "Statement"' };
  const statements = (Array.isArray(raw) ? raw : [raw]).map((s: any): Statement => ({
    sid: s.Sid,
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: list(s.Action),
    notActions: list(s.NotAction),
    resources: list(s.Resource),
    notResources: list(s.NotResource),
    principals: jsonPrincipals(s.Principal),
    notPrincipals: jsonPrincipals(s.NotPrincipal),
    conditions: Object.entries(s.Condition ?? {}).flatMap(([test, variables]) =>
      Object.entries(variables as Record<string, unknown>).map(([variable, values]) => ({ test, variable, values: list(values) })),
    ),
  }));
  return { kind: 'resolved', source, statements };
}

function jsonPrincipals(principal: unknown): Principal[] {
  if (principal === undefined) return [];
  if (principal === '*') return [{ type: '*', identifiers: ['*'] }];
  return Object.entries(principal as Record<string, unknown>).map(([type, identifiers]) => ({ type, identifiers: list(identifiers) }));
}

/** True when an action pattern such as `iam:*`, `*` or `s3:Get*` covers `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}
