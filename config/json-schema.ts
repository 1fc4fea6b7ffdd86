import { z } from 'zod';
import { environmentSchema } from './schema';

export const JSON_SCHEMA_FILE = `${__dirname}/environment.schema.json`;

/**
 * The environment schema as JSON Schema, as committed in `config/environment.schema.json`.
 * Cross-field rules are not expressible there; synth still checks them.
 */
export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-2020-12' });
  const document = {
    ...schema,
    $id: 'https://getdrop.no/schemas/drop-environment.json',
    title: 'Drop platform environment',
    description: 'One environment of the Drop platform (config/environments/<name>.json). Regenerate with `npm run schema`.',
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
