/**
 * Turns one synthesized stack (`cdk.tf.json`) into a configuration Terraform can plan offline:
 *
 * - the backend goes (plans here are local and throwaway);
 * - a provider whose binary is at hand is kept, its version constraint set to the version at
 *   hand when the pinned one is not (the difference is reported);
 * - a provider whose binary is missing (Cloudflare on machines without registry access), and any
 *   resource type the available provider's schema does not know, is *evaluated* instead: each
 *   resource becomes a `terraform_data` whose `input` is the resource's whole body, with its
 *   `count`, `for_each`, `depends_on` and conditions kept, and each data source becomes a local
 *   object. Every expression of those resources (references, `for_each` keys, functions) is then
 *   still evaluated by Terraform, and a sensitive or unknown `for_each` still fails the plan.
 *
 * Pure: JSON in, JSON out.
 */
import type { TerraformJson } from '../terraform';

export interface TransformOptions {
  /** Provider local name → version at hand, for the providers whose binary is available. */
  readonly available: Readonly<Record<string, string>>;
  /**
   * Resource and data source types each available provider knows (`resource:aws_s3_bucket`,
   * `data:aws_region`). A type outside it is evaluated, not planned.
   */
  readonly knownTypes?: ReadonlySet<string>;
  /**
   * Realistic values of computed attributes of evaluated resource types (type → attribute →
   * value). An attribute without one is unknown at plan, and unusable after a (mocked) apply.
   */
  readonly computed?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface Transformed {
  readonly json: Record<string, any>;
  /** Providers planned with their real schema, with the version used. */
  readonly planned: Readonly<Record<string, string>>;
  /** Lines for the report: version substitutions and what was evaluated instead of planned. */
  readonly notes: readonly string[];
  /** Addresses (`cloudflare_ruleset.x`, `data.cloudflare_zone.zone`) evaluated, not planned. */
  readonly evaluated: readonly string[];
}

const META_ARGUMENTS = ['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection'];

/** The provider local name of a resource type: `aws_db_instance` → `aws`. */
export function providerOf(type: string): string {
  return type.split('_')[0];
}

export function transformForOfflinePlan(stack: TerraformJson, options: TransformOptions): Transformed {
  const json = structuredClone(stack) as Record<string, any>;
  const notes: string[] = [];
  const planned: Record<string, string> = {};
  const evaluatedProviders = new Set<string>();

  const terraform = (json.terraform ??= {});
  delete terraform.backend;
  delete terraform.cloud;
  for (const [name, requirement] of Object.entries<Record<string, string>>(terraform.required_providers ?? {})) {
    const have = options.available[name];
    if (have === undefined) {
      evaluatedProviders.add(name);
      delete terraform.required_providers[name];
      if (json.provider) delete json.provider[name];
      notes.push(`provider ${name} ${requirement.version ?? ''}: no binary at hand, its resources are evaluated, not planned`);
      continue;
    }
    if (requirement.version !== have) {
      notes.push(`provider ${name}: planned against ${have} (the synth pins ${requirement.version})`);
      requirement.version = have;
    }
    planned[name] = have;
  }
  if (json.provider && Object.keys(json.provider).length === 0) delete json.provider;

  const converted = (mode: 'resource' | 'data', type: string): boolean =>
    evaluatedProviders.has(providerOf(type)) ||
    (options.knownTypes !== undefined && planned[providerOf(type)] !== undefined && !options.knownTypes.has(`${mode}:${type}`));

  const evaluated: string[] = [];
  const resources: Record<string, Set<string>> = {};
  const dataSources: Record<string, Record<string, any>> = {};
  for (const [type, byName] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    if (!converted('resource', type)) continue;
    for (const name of Object.keys(byName)) {
      (resources[type] ??= new Set()).add(name);
      evaluated.push(`${type}.${name}`);
    }
    if (planned[providerOf(type)])
      notes.push(`resource type ${type}: not in provider ${providerOf(type)} ${planned[providerOf(type)]}, evaluated, not planned`);
  }
  for (const [type, byName] of Object.entries<Record<string, any>>(json.data ?? {})) {
    if (!converted('data', type)) continue;
    for (const [name, body] of Object.entries<Record<string, any>>(byName)) {
      if (body.count !== undefined || body.for_each !== undefined) {
        throw new Error(`data.${type}.${name}: a data source with count or for_each cannot be evaluated offline`);
      }
      dataSources[`${type}.${name}`] = body;
      evaluated.push(`data.${type}.${name}`);
    }
  }

  // An ephemeral input variable may only reach write-only arguments and provider configuration;
  // once its resource is evaluated (a terraform_data input) it is an ordinary value here.
  for (const [name, variable] of Object.entries<Record<string, any>>(json.variable ?? {})) {
    if (!variable.ephemeral) continue;
    delete variable.ephemeral;
    notes.push(`variable ${name}: ephemeral, planned as an ordinary (sensitive) value`);
  }

  // Mocked providers cannot open ephemeral resources: each becomes a local like a data source.
  const ephemerals: Record<string, Record<string, any>> = {};
  for (const [type, byName] of Object.entries<Record<string, any>>(json.ephemeral ?? {})) {
    for (const [name, body] of Object.entries<Record<string, any>>(byName)) {
      ephemerals[`${type}.${name}`] = body;
      evaluated.push(`ephemeral.${type}.${name}`);
    }
  }
  delete json.ephemeral;

  // References first, on the whole document, so bodies moved below are already rewritten.
  const dataAttributes: Record<string, Set<string>> = {};
  const rewrite = (text: string): string =>
    text
      .replace(
        /\bephemeral\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g,
        (whole, type: string, name: string, path: string) => {
          if (!ephemerals[`${type}.${name}`]) return whole;
          (dataAttributes[`ephemeral.${type}.${name}`] ??= new Set()).add(path);
          return `local.ephemeral__${localName(type, name)}${path}`;
        },
      )
      .replace(
        /\bdata\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g,
        (whole, type: string, name: string, path: string) => {
          if (!dataSources[`${type}.${name}`]) return whole;
          (dataAttributes[`${type}.${name}`] ??= new Set()).add(path);
          return `local.${localName(type, name)}${path}`;
        },
      )
      .replace(
        /(^|[^.\w])([a-z0-9]+_[a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])?)((?:\.[A-Za-z_][A-Za-z0-9_]*)?)/g,
        (whole, before: string, type: string, name: string, index: string, attribute: string) => {
          if (!resources[type]?.has(name)) return whole;
          const target = `terraform_data.${localName(type, name)}${index}`;
          if (attribute === '') return `${before}${target}`;
          const body = json.resource[type][name];
          const key = attribute.slice(1);
          // An argument of the body is known at plan like the real one. Anything else is computed:
          // unknown at plan, of a type only the real schema knows, so an unknown of any type
          // (jsondecode of an unknown string) stands in for it.
          if (key === 'id') return `${before}${target}.id`;
          if (key in body) return `${before}${target}.output${attribute}`;
          if (options.computed?.[type]?.[key] !== undefined) return `${before}${target}.output.__computed${attribute}`;
          return `${before}jsondecode(${target}.id)`;
        },
      );
  const walk = (value: any): any => {
    if (typeof value === 'string') return rewrite(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  for (const key of Object.keys(json)) if (key !== 'terraform') json[key] = walk(json[key]);

  for (const [type, names] of Object.entries(resources)) {
    for (const name of names) {
      const body = json.resource[type][name] as Record<string, any>;
      const input = Object.fromEntries(Object.entries(body).filter(([key]) => !META_ARGUMENTS.includes(key) && key !== '//'));
      if (options.computed?.[type]) input.__computed = options.computed[type];
      const replacement: Record<string, any> = { input };
      for (const key of ['count', 'for_each'] as const) if (body[key] !== undefined) replacement[key] = body[key];
      if (body.depends_on) replacement.depends_on = body.depends_on.filter((address: string) => !address.startsWith('local.'));
      const lifecycle = body.lifecycle as Record<string, any> | undefined;
      if (lifecycle) {
        const kept = Object.fromEntries(
          Object.entries(lifecycle)
            .filter(([key]) => ['create_before_destroy', 'prevent_destroy', 'precondition', 'postcondition'].includes(key))
            .map(([key, value]) => [
              key,
              key === 'postcondition' ? JSON.parse(JSON.stringify(value).replace(/\bself\.(?!id\b)/g, 'self.output.')) : value,
            ]),
        );
        if (Object.keys(kept).length > 0) replacement.lifecycle = kept;
      }
      ((json.resource.terraform_data ??= {}) as Record<string, any>)[localName(type, name)] = replacement;
      delete json.resource[type][name];
    }
    if (Object.keys(json.resource[type]).length === 0) delete json.resource[type];
  }
  const asLocals = [
    ...Object.entries(dataSources).map(([key, body]) => ({ key, body, local: localName(...(key.split('.') as [string, string])) })),
    ...Object.entries(ephemerals).map(([key, body]) => ({
      key: `ephemeral.${key}`,
      body,
      local: `ephemeral__${localName(...(key.split('.') as [string, string]))}`,
    })),
  ];
  for (const { key, body, local } of asLocals) {
    const [type, name] = key.replace(/^ephemeral\./, '').split('.');
    const value: Record<string, any> = Object.fromEntries(Object.entries(body).filter(([k]) => !META_ARGUMENTS.includes(k) && k !== '//'));
    for (const path of dataAttributes[key] ?? []) {
      const parts = path.split('.').filter(Boolean);
      let node = value;
      parts.forEach((part, i) => {
        if (i === parts.length - 1) node[part] ??= `offline-${type}-${name}-${parts.join('-')}`;
        else node = node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {};
      });
    }
    (json.locals ??= {})[local] = value;
    if (key.startsWith('ephemeral.')) continue;
    delete json.data[type][name];
    if (Object.keys(json.data[type]).length === 0) delete json.data[type];
  }
  if (json.data && Object.keys(json.data).length === 0) delete json.data;

  // Imports and moves aimed at evaluated resources: keep their expressions evaluated as locals.
  // Imports aimed at planned resources too: mock providers cannot import ("Cannot import resources
  // from mock providers"), and a stack planned as a module of a chain may hold no import block, so
  // the resource is planned as a create and its import id still evaluated.
  for (const block of ['import', 'moved'] as const) {
    if (!Array.isArray(json[block])) continue;
    json[block] = json[block].filter((entry: Record<string, any>, i: number) => {
      const to = String(entry.to ?? '');
      const evaluatedTarget = to.startsWith('terraform_data.') || Object.keys(resources).some((type) => to.startsWith(`${type}.`));
      if (!evaluatedTarget && block === 'moved') return true;
      if (!evaluatedTarget) notes.push(`import of ${to}: planned as a create (mock providers cannot import)`);
      if (entry.id !== undefined) (json.locals ??= {})[`${block}_${i}_id`] = entry.id;
      return false;
    });
    if (json[block].length === 0) delete json[block];
  }
  return { json, planned, notes, evaluated };
}

function localName(type: string, name: string): string {
  return `${type}__${name}`;
}
