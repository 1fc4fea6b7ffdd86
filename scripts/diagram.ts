/**
 * `npm run diagram`: rewrites the architecture diagram in the README from the synth of the zone
 * owner's environment (production). `npm run diagram -- --check` only reports whether it is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../config';
import { DIAGRAM_ENVIRONMENT, renderDiagram, withDiagram } from '../review/diagram';
import { synthEnvironment } from '../review/synth';

const README = path.resolve(__dirname, '..', 'README.md');

const readme = fs.readFileSync(README, 'utf8');
const diagram = renderDiagram(synthEnvironment(loadEnvironment(DIAGRAM_ENVIRONMENT)), { environment: DIAGRAM_ENVIRONMENT });
const updated = withDiagram(readme, diagram, DIAGRAM_ENVIRONMENT);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md: the architecture diagram is stale; run npm run diagram');
    process.exitCode = 1;
  }
} else if (updated !== readme) {
  fs.writeFileSync(README, updated);
  console.log('README.md: architecture diagram updated');
} else console.log('README.md: architecture diagram is current');
