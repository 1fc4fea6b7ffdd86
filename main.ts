/**
 * The CDKTF app: loads the environment named by DROP_ENV (default staging) and synthesizes its
 * four stacks, and the bootstrap stack. This is the only place that reads process.env (with
 * startup.ts, which it imports first):
 * DROP_ENV, DROP_CONFIG_DIR (the folder of environments/ and control.json; default config/),
 * CDKTF_OUTDIR (set by the cdktf CLI; default cdktf.out) and DEBUG (a refusal prints its stack
 * trace too).
 */
// First, before anything it would apply to is loaded: no source maps unless DEBUG is set.
import './startup';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { load } from 'js-yaml';
import {
  DEFAULT_ENVIRONMENT,
  checkControlPlane,
  checkWorkflowEnvironments,
  loadControl,
  loadEnvironment,
  loadEnvironments,
  loadZone,
} from './config';
import { DropError } from './constructs/validation';
import { buildControl, buildPlatform, synthWarnings } from './stacks';

function main(): void {
  const configDir = process.env.DROP_CONFIG_DIR ? path.resolve(process.env.DROP_CONFIG_DIR) : path.join(__dirname, 'config');
  const environmentsDir = path.join(configDir, 'environments');
  // Load (and validate) before the App exists: App creates the output directory.
  const config = loadEnvironment(process.env.DROP_ENV || DEFAULT_ENVIRONMENT, environmentsDir);
  // Every environment file, each loaded and validated once, `config` standing for its own.
  const all = loadEnvironments(config, environmentsDir);
  // The environments of its Cloudflare zone: the zone owner's edge rules cover them too.
  const zone = loadZone(config, all);
  // The control plane every environment shares (config/control.json), checked against each of them.
  const control = loadControl(path.join(configDir, 'control.json'));
  checkControlPlane(control, all);
  // The workflows name only GitHub environments the bootstrap stack makes (and protects).
  checkWorkflowEnvironments(readWorkflows(path.join(__dirname, '.github', 'workflows')), all);
  // skipValidation: the only validations in the tree are cdktf's checks of the local terraform
  // binary (the cloud backend runs `terraform version` per stack), which would make synth need
  // terraform; plan and deploy check it anyway. Our own checks run on the configuration above.
  // stackTraces: no stack trace per construct in the output (and none to source-map).
  // Whether this run makes the output directory: App makes it, and its stacks/ folder, at once.
  const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
  const fresh = !fs.existsSync(outdir) || fs.readdirSync(outdir).length === 0;
  const app = new App({ outdir, skipValidation: true, stackTraces: false });
  try {
    buildPlatform(app, config, zone);
    buildControl(app, control, all);
    app.synth();
  } catch (error) {
    // A construct refused its input: leave no half-written output behind.
    if (fresh) fs.rmSync(app.outdir, { recursive: true, force: true });
    throw error;
  }
  // The cdktf CLI prints these too; `npm run synth` would not otherwise show them.
  for (const warning of synthWarnings(app)) console.warn(`Warning: ${warning}`);
}

/** What synth reads of a workflow: its jobs' GitHub environments. */
type Workflow = { jobs?: Record<string, { environment?: string | { name?: string } }> };

/** The parsed workflows of `dir`, by file name (none when the directory does not exist). */
function readWorkflows(dir: string): Record<string, Workflow> {
  if (!fs.existsSync(dir)) return {};
  const files = fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file));
  return Object.fromEntries(files.map((file) => [file, load(fs.readFileSync(path.join(dir, file), 'utf8')) as Workflow]));
}

try {
  main();
} catch (error) {
  // Every refusal of the input (configuration or construct) is one list; anything else is a bug.
  if (!(error instanceof DropError)) throw error;
  console.error(process.env.DEBUG ? error.stack : error.message);
  process.exitCode = 1;
}
