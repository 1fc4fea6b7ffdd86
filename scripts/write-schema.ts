/** Writes config/environment.schema.json from the zod schema (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_FILE, environmentJsonSchema } from '../config/json-schema';

writeFileSync(JSON_SCHEMA_FILE, environmentJsonSchema());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
