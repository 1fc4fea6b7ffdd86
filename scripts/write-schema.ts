/** Writes config/environment.schema.json and config/control.schema.json from the zod schemas (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { CONTROL_JSON_SCHEMA_FILE, JSON_SCHEMA_FILE, controlJsonSchema, environmentJsonSchema } from '../config/json-schema';

for (const [file, text] of [
  [JSON_SCHEMA_FILE, environmentJsonSchema()],
  [CONTROL_JSON_SCHEMA_FILE, controlJsonSchema()],
] as const) {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
