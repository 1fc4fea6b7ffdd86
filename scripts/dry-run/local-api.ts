/**
 * The real API (apps/api, as `npm run api` runs it) as a local process: the service the dry run
 * "deploys". It runs on its embedded database in a temporary directory, reports the release tag as
 * APP_VERSION, and listens on the port it is given (the same port across redeploys, like a
 * service URL). A release can be started broken (`healthy: false`): it then points at a database
 * that does not answer, so the process fails at start-up like a crashing container.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A free loopback port (the OS picks it; released before the API binds it): the tests' one, for the dry run's service ports. */
export { freePort } from '../../apps/api/test/free-port';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(__dirname, 'api-process.mts');

export interface ApiRelease {
  readonly tag: string;
  readonly healthy: boolean;
}

export class LocalApi {
  private child?: ChildProcess;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-api-'));
  output = '';
  running?: ApiRelease;

  /** `template`: a data directory to start from (one made by another LocalApi), which saves the embedded database's first start. */
  constructor(
    readonly port: number,
    template?: string,
  ) {
    if (template) cpSync(template, this.dataDir, { recursive: true });
  }

  /** The embedded database's directory (stop the API before copying it). */
  get data(): string {
    return this.dataDir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops the running release (if any) and starts `release`; resolves once it listens, or once a broken one has exited. */
  async deploy(release: ApiRelease): Promise<void> {
    await this.stop();
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(this.port),
        NODE_ENV: 'test',
        APP_VERSION: release.tag,
        JWT_SECRET: 'dry-run-secret-of-at-least-32-characters',
        ...(release.healthy ? { DATA_DIR: this.dataDir } : { DATABASE_URL: 'postgres://dry-run@127.0.0.1:9/unreachable' }),
        SHUTDOWN_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.running = release;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`API ${release.tag} neither listened nor exited within 120 s:\n${this.output}`)),
        120_000,
      );
      const onData = (data: Buffer) => {
        this.output += data;
        if (/listening on :\d+/.test(this.output)) {
          clearTimeout(timer);
          if (release.healthy) resolve();
          else reject(new Error(`API ${release.tag} was meant to be broken but listens:\n${this.output}`));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.child === child) this.child = undefined;
        if (release.healthy) reject(new Error(`API ${release.tag} exited with ${code} before listening:\n${this.output}`));
        else resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
