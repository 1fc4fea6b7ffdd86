import { z } from 'zod';
import { controlSchema } from './control-schema';
import { environmentSchema } from './schema';

export const JSON_SCHEMA_FILE = `${__dirname}/environment.schema.json`;
export const CONTROL_JSON_SCHEMA_FILE = `${__dirname}/control.schema.json`;

function jsonSchema(schema: z.ZodType, id: string, title: string, description: string): string {
  const document = { ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }), $id: id, title, description };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The environment schema as JSON Schema, as committed in `config/environment.schema.json`.
 * Cross-field rules are not expressible there; synth still checks them.
 */
export function environmentJsonSchema(): string {
  return jsonSchema(
    environmentSchema,
    'https://getdrop.no/schemas/drop-environment.json',
    'Drop platform environment',
    'One environment of the Drop platform (config/environments/<name>.json). Regenerate with `npm run schema`.',
  );
}

/** The control plane schema as JSON Schema, as committed in `config/control.schema.json`. */
export function controlJsonSchema(): string {
  return jsonSchema(
    controlSchema,
    'https://getdrop.no/schemas/drop-control.json',
    'Drop platform control plane',
    'What every environment of the Drop platform shares (config/control.json): Terraform Cloud, GitHub, the AWS accounts. Regenerate with `npm run schema`.',
  );
}
