/**
 * The Dockerfile and the Compose files. No Docker engine runs here, so: lint the Dockerfile
 * (dockerfile-utils, the linter behind the VS Code Docker extension), check the rules of
 * docs/requirements.md (Images) and of the platform, and run the commands the Dockerfile runs: its npm installs in a copy of the
 * manifests, and the api target's layout, started with its CMD and probed with its HEALTHCHECK.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_SCHEMA, load as parseYaml, mergeTag } from 'js-yaml';

const ROOT = path.join(__dirname, '..', '..');
const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

/** Instructions grouped by stage name, in order. */
const stages = new Map<string, Instruction[]>();
let current: Instruction[] | undefined;
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    const name = (instruction as unknown as { getBuildStage(): string }).getBuildStage();
    current = [instruction];
    stages.set(name, current);
  } else current?.push(instruction);
}
const stage = (name: string) => stages.get(name) ?? [];
const runs = (name: string) =>
  stage(name)
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) => i.getArgumentsContent()!.replace(/\s+/g, ' '));
const flag = (i: Instruction, name: string) =>
  (i as unknown as { getFlags(): { getName(): string; getValue(): string }[] })
    .getFlags()
    .find((f) => f.getName() === name)
    ?.getValue();
/** CMD/HEALTHCHECK exec form as argv. */
const execForm = (i: Instruction) => JSON.parse(/(\[.*\])\s*$/s.exec(i.getArgumentsContent()!.replace(/\\\n/g, ''))![1]) as string[];
const npmInstall = (name: string, needle: string) => {
  const command = runs(name)
    .flatMap((r) => r.split(' && '))
    .find((c) => c.trim().startsWith('npm ci') && c.includes(needle));
  if (!command) throw new Error(`no "npm ci ... ${needle}" in stage ${name}`);
  return command.trim().split(' ').slice(1);
};

describe('Dockerfile', () => {
  it('passes the Dockerfile linter with no finding', () => {
    expect(validate(text)).toEqual([]);
  });

  it('the linter does find problems (a broken Dockerfile is not silently accepted)', () => {
    const findings = validate('from node:22-alpine\nCMD node a\nCMD node b\nHEALTHCHECK --interval=abc CMD true\n');
    expect(findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/uppercase/),
        expect.stringMatching(/only be one CMD/),
        expect.stringMatching(/invalid duration/),
      ]),
    );
  });

  it('has the four required stages (docs/requirements.md, Images) and a target per service, all on node:22-alpine', () => {
    expect([...stages.keys()]).toEqual(['deps', 'test', 'builder', 'runner', 'api', 'web']);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-alpine$/m);
    expect(stage('deps')[0].getArgumentsContent()).toBe('${NODE_IMAGE} AS deps');
    expect(stage('runner')[0].getArgumentsContent()).toBe('${NODE_IMAGE} AS runner');
    expect(stage('api')[0].getArgumentsContent()).toBe('runner AS api');
    expect(stage('web')[0].getArgumentsContent()).toBe('runner AS web');
  });

  it('makes the test stage a gate: the builder copies its marker, which only passing tests create', () => {
    expect(runs('test').join(' ')).toMatch(
      /&& npx vitest run --project shared --project api --project web --coverage && touch \/app\/\.tests-passed$/,
    );
    expect(stage('builder').some((i) => i.getKeyword() === 'COPY' && flag(i, 'from') === 'test')).toBe(true);
  });

  it("runs both apps' tests (and the shared package's) under the coverage thresholds of vitest.config.mts", async () => {
    const config = (await import(path.join(ROOT, 'vitest.config.mts'))).default as {
      test: { coverage: { thresholds?: Record<string, number> } };
    };
    const { thresholds } = config.test.coverage;
    expect(thresholds).toMatchObject({
      lines: expect.any(Number),
      statements: expect.any(Number),
      functions: expect.any(Number),
      branches: expect.any(Number),
    });
    for (const value of Object.values(thresholds!)) expect(value).toBeGreaterThanOrEqual(60);
    // What the build has and lacks, said on purpose: no PostgreSQL server, no browser.
    const env = stage('test')
      .filter((i) => i.getKeyword() === 'ENV')
      .map((i) => i.getArgumentsContent());
    expect(env).toEqual(['DROP_TEST_EMBEDDED_ONLY=1', 'DROP_TEST_NO_BROWSER=1']);
  });

  it('fails the build below the threshold: vitest exits 1 naming the shortfall', { timeout: 120_000 }, () => {
    // The stage's command on the quick project, measuring a file its tests do not run: 0 % < threshold.
    const command = runs('test')
      .join(' ')
      .split(' && ')
      .find((c) => c.startsWith('npx vitest run'))!
      .replace(/--project \w+ /g, '')
      .split(' ');
    const result = spawnSync(
      command[0],
      [...command.slice(1), '--project', 'shared', '--coverage.include=packages/shared/src/metrics.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, DROP_TEST_EMBEDDED_ONLY: '1', DROP_TEST_NO_BROWSER: '1' },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/Coverage for lines \(0%\) does not meet global threshold \(\d+%\)/);
  });

  it("copies tsconfig.base.json, which the apps' tsconfig.json extend, into the stages that compile them", () => {
    const copied = (name: string) =>
      stage(name).some(
        (i) =>
          i.getKeyword() === 'COPY' &&
          !flag(i, 'from') &&
          i.getArgumentsContent()!.split(/\s+/).slice(0, -1).includes('tsconfig.base.json'),
      );
    expect(copied('test')).toBe(true);
    expect(copied('builder')).toBe(true);
  });

  it('installs no compilers or Python in any stage', () => {
    const commands = [...stages.keys()].flatMap(runs).join('\n');
    expect(commands).toMatch(/npm ci/);
    expect(commands).not.toMatch(/apk add|apt-get|python3|g\+\+|gcc|build-base|\bmake\b/);
  });

  it('runs both targets as the non-root user 1001, with a health check and an exec-form CMD, without source', () => {
    expect(runs('runner').join(' ')).toMatch(
      /addgroup -S -g 1001 nodejs && adduser -S -u 1001 -G nodejs -H -D nextjs && mkdir -p \/app\/data && chown nextjs:nodejs \/app\/data/,
    );
    for (const [target, port, healthPath, main] of [
      ['api', '3001', '/v1/health', 'apps/api/dist/server.js'],
      ['web', '3000', '/api/health', 'apps/web/serve.mjs'],
    ]) {
      const keyword = (k: string) => stage(target).filter((i) => i.getKeyword() === k);
      expect(keyword('USER').map((i) => i.getArgumentsContent())).toEqual(['nextjs']);
      expect(keyword('EXPOSE').map((i) => i.getArgumentsContent())).toEqual([port]);
      expect(execForm(keyword('CMD')[0])).toEqual(['node', main]);
      const health = keyword('HEALTHCHECK')[0];
      expect(['interval', 'timeout', 'retries', 'start-period'].map((f) => flag(health, f))).toEqual(['30s', '10s', '3', '10s']);
      expect(execForm(health).join(' ')).toContain(`process.env.PORT||${port})+'${healthPath}'`);
      // Everything comes from the builder: no COPY or ADD from the build context (the source).
      expect(keyword('COPY').every((i) => flag(i, 'from') === 'builder')).toBe(true);
    }
    expect(
      stage('web')
        .filter((i) => i.getKeyword() === 'COPY')
        .map((i) => i.getArgumentsContent()),
    ).toEqual(['/app/apps/web/.next/standalone ./']);
    // The web's build puts into the standalone output what the server and serve.mjs need beside it.
    const build: string = JSON.parse(readFileSync(path.join(ROOT, 'apps/web/package.json'), 'utf8')).scripts.build;
    expect(build.split(' && ')).toEqual([
      'next build',
      'cp -r .next/static .next/standalone/apps/web/.next/static',
      'cp -r public .next/standalone/apps/web/public',
      'cp serve.mjs .next/standalone/apps/web/serve.mjs',
      'mkdir -p .next/standalone/node_modules/@drop/shared/src',
      'cp ../../packages/shared/package.json .next/standalone/node_modules/@drop/shared/package.json',
      'cp ../../packages/shared/src/drain.js ../../packages/shared/src/deployed.js .next/standalone/node_modules/@drop/shared/src/',
    ]);
  });

  it('bakes the release tag the pipeline passes (--build-arg APP_VERSION) into both images', () => {
    const runner = stage('runner').map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`);
    expect(runner).toEqual(expect.arrayContaining(['ARG APP_VERSION=', 'ENV APP_VERSION=${APP_VERSION}']));
    expect(readFileSync(path.join(ROOT, '.github/workflows/main.yml'), 'utf8')).toContain('--build-arg "APP_VERSION=$IMAGE_TAG"');
  });

  it('puts the RDS CA bundle where the API looks for it by default', () => {
    const add = stage('api').find((i) => i.getKeyword() === 'ADD')!;
    expect(add.getArgumentsContent()).toBe(
      'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /app/certs/rds-global-bundle.pem',
    );
    expect(readFileSync(path.join(ROOT, 'apps/api/src/config.ts'), 'utf8')).toContain(
      "DEFAULT_DATABASE_CA_FILE = '/app/certs/rds-global-bundle.pem'",
    );
  });

  it('keeps node_modules, builds, local data and git out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/.next', '**/dist', '**/data', '.git', 'cdktf.out', '**/.env*']));
  });

  it('keeps every .env file, at any depth, out of the build context and out of git', () => {
    // Docker's own matching rules (@balena/dockerignore implements them): `.env*` alone matches the root only.
    const context = dockerignore().add(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n'));
    const envFiles = ['.env', 'apps/web/.env', 'apps/web/.env.local', 'apps/web/.env.production', 'apps/api/.env.development.local'];
    for (const file of envFiles) expect(context.ignores(file), file).toBe(true);
    for (const file of ['apps/web/app/page.tsx', 'apps/web/next.config.mjs', 'apps/api/src/config.ts'])
      expect(context.ignores(file), file).toBe(false);

    // git itself decides for the repository (a file committed by mistake would still be tracked: none is).
    const checked = spawnSync(
      'git',
      ['check-ignore', '--no-index', '--verbose', '--non-matching', ...envFiles, 'apps/web/app/page.tsx', '.env.example'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const verdicts = Object.fromEntries(
      checked.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split('\t')[1], !line.startsWith('::') && !/:!/.test(line)]),
    );
    expect(verdicts).toEqual({
      ...Object.fromEntries(envFiles.map((f) => [f, true])),
      'apps/web/app/page.tsx': false,
      '.env.example': false,
    });
    expect(execFileSync('git', ['ls-files', '--', '*.env*', '.env*'], { cwd: ROOT, encoding: 'utf8' })).toBe('');
  });
});

describe('the commands the Dockerfile runs', () => {
  // A copy of what the deps stage copies: the root and app manifests and the lockfile.
  let context: string;
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', args, {
      cwd,
      env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_loglevel: 'error' },
      stdio: 'pipe',
    });
  const installed = (dir: string) =>
    readdirSync(path.join(dir, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(path.join(dir, 'node_modules', name)).map((n) => `${name}/${n}`) : [name],
    );

  beforeAll(() => {
    context = mkdtempSync(path.join(tmpdir(), 'drop-docker-context-'));
    for (const file of [
      'package.json',
      'package-lock.json',
      'packages/shared/package.json',
      'apps/api/package.json',
      'apps/web/package.json',
    ]) {
      mkdirSync(path.dirname(path.join(context, file)), { recursive: true });
      cpSync(path.join(ROOT, file), path.join(context, file));
    }
  });
  // Deleting two full installs takes longer than the default hook timeout on a busy machine.
  afterAll(() => rmSync(context, { recursive: true, force: true }), 60_000);

  it("deps installs the apps' dependencies and none of the infrastructure toolchain", { timeout: 180_000 }, () => {
    npm(npmInstall('deps', '--workspace apps/web'), context);
    const names = installed(context);
    expect(names).toEqual(
      expect.arrayContaining(['hono', 'pg', '@electric-sql/pglite', 'vitest', '@vitest/coverage-v8', 'typescript', 'playwright-core']),
    );
    // The workspaces link each other: the web's tests reach the API (and both the shared package) by package name.
    for (const workspace of ['@drop/shared', '@drop/api', '@drop/web']) expect(names).toContain(workspace);
    expect(existsSync(path.join(context, 'apps/web/node_modules/next')) || names.includes('next')).toBe(true);
    for (const infra of [
      'cdktf',
      'cdktf-cli',
      '@cdktf/provider-aws',
      '@cdktf/provider-cloudflare',
      'constructs',
      'eslint',
      'dockerfile-utils',
    ]) {
      expect(names).not.toContain(infra);
    }
  });

  describe('the api target, laid out as the image has it', () => {
    let app: string;
    beforeAll(() => {
      // builder: compile the API, then the production-only install.
      execFileSync('npm', ['run', 'build', '--workspace', 'apps/api'], { cwd: ROOT, stdio: 'pipe' });
      cpSync(path.join(ROOT, 'packages/shared'), path.join(context, 'packages/shared'), {
        recursive: true,
        filter: (source) => !source.includes('node_modules'),
      });
      rmSync(path.join(context, 'node_modules'), { recursive: true, force: true });
      rmSync(path.join(context, 'apps/api/node_modules'), { recursive: true, force: true });
      rmSync(path.join(context, 'apps/web/node_modules'), { recursive: true, force: true });
      npm(npmInstall('builder', '--omit=dev'), context);
      for (const dir of ['dist', 'migrations'])
        cpSync(path.join(ROOT, 'apps/api', dir), path.join(context, 'apps/api', dir), { recursive: true });

      // runner + api: exactly the COPY lines of the api target, from the builder's /app to the image's /app.
      app = mkdtempSync(path.join(tmpdir(), 'drop-api-image-'));
      for (const copy of stage('api').filter((i) => i.getKeyword() === 'COPY')) {
        const parts = copy.getArgumentsContent()!.split(' ');
        const to = parts.pop()!;
        for (const from of parts) {
          const source = path.join(context, path.relative('/app', from));
          if (!existsSync(source)) throw new Error(`COPY --from=builder ${from}: not in the builder's output`);
          // Several sources into a directory (`dir/`): each keeps its name there.
          const target = to.endsWith('/') ? path.join(app, to, path.basename(from)) : path.join(app, to);
          cpSync(source, target, { recursive: true, verbatimSymlinks: true });
        }
      }
      mkdirSync(path.join(app, 'data'));
    }, 300_000); // tsc plus a production install (with @sentry/node and OpenTelemetry): over 3 minutes when the machine is busy
    afterAll(() => rmSync(app, { recursive: true, force: true }), 60_000);

    it('holds production dependencies only, and no source', () => {
      const names = installed(app);
      expect(names).toEqual(expect.arrayContaining(['hono', 'pg', '@electric-sql/pglite', '@aws-sdk/rds-signer', '@drop/shared']));
      for (const dev of ['typescript', 'vitest', 'tsx', 'next', 'playwright-core', 'cdktf', '@aws-sdk/client-secrets-manager'])
        expect(names).not.toContain(dev);
      expect(existsSync(path.join(app, 'apps/api/src'))).toBe(false);
      // The shared package: its build and its two JavaScript modules, no TypeScript source.
      expect(readdirSync(path.join(app, 'packages/shared/src')).sort()).toEqual(['deployed.js', 'drain.js']);
      expect(existsSync(path.join(app, 'packages/shared/dist/redact.js'))).toBe(true);
    });

    it('starts with its CMD, passes its HEALTHCHECK, and stops on SIGTERM', { timeout: 60_000 }, async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const cmd = execForm(stage('api').find((i) => i.getKeyword() === 'CMD')!);
      const healthcheck = execForm(stage('api').find((i) => i.getKeyword() === 'HEALTHCHECK')!);
      // As docker-compose.yml runs it: development mode on the embedded database in /app/data.
      const env = {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        PORT: String(port),
        DATA_DIR: path.join(app, 'data'),
        APP_VERSION: 'v9.8.7-rc.1',
      };
      const probe = () =>
        spawnSync(healthcheck[0] === 'CMD' ? healthcheck[1] : healthcheck[0], healthcheck.slice(healthcheck[0] === 'CMD' ? 2 : 1), {
          env,
          timeout: 10_000,
        }).status;

      expect(probe()).toBe(1); // nothing listening yet
      const child = spawn(cmd[0], cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (d) => (log += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        // Up to 45 s: on a loaded two-core machine the first start took over 10 s.
        for (let i = 0; i < 450 && !log.includes('listening') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
        expect(log).toContain('embedded database');
        expect(probe()).toBe(0);
        // The release the image runs, not the package version.
        expect(await (await fetch(`http://127.0.0.1:${port}/v1/health`)).json()).toMatchObject({ status: 'ok', version: 'v9.8.7-rc.1' });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    });
  });
});

interface Service {
  build: { target: string };
  command?: string[];
  environment: Record<string, string>;
  healthcheck?: Record<string, unknown>;
  image?: string;
  volumes?: string[];
  depends_on?: unknown;
}

describe('Compose files', () => {
  // The files share one health check through a merge key (`<<: *healthcheck`): Compose reads them,
  // and YAML 1.2's core schema, js-yaml's default, leaves them out.
  const load = (file: string) =>
    parseYaml(readFileSync(path.join(ROOT, file), 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as {
      services: Record<string, Service>;
    };
  const specHealth = { interval: '30s', timeout: '10s', retries: 3, start_period: '10s' };

  it('development runs both targets on the embedded database with mocked BankID', () => {
    const { services } = load('docker-compose.yml');
    expect(Object.keys(services)).toEqual(['api', 'web']);
    expect(services.api.build.target).toBe('api');
    expect(services.web.build.target).toBe('web');
    expect(services.api.environment).toMatchObject({ NODE_ENV: 'development', BANKID_MOCK: 'true' });
    expect(services.api.environment.DATABASE_URL).toBeUndefined();
    expect(services.api.volumes).toEqual(['api-data:/app/data']);
    for (const service of Object.values(services)) expect(service.healthcheck).toMatchObject(specHealth);
  });

  it('production runs PostgreSQL, health checks 30 s / 10 s / 3 / 10 s, and takes every secret from the environment', () => {
    const raw = readFileSync(path.join(ROOT, 'docker-compose.production.yml'), 'utf8');
    const { services } = load('docker-compose.production.yml');
    expect(Object.keys(services)).toEqual(['postgres', 'migrate', 'api', 'web']);
    expect(services.postgres.image).toMatch(/^postgres:16/);
    for (const name of ['postgres', 'api', 'web']) expect(services[name].healthcheck).toMatchObject(specHealth);
    expect(services.api.environment).toMatchObject({
      NODE_ENV: 'production',
      DATABASE_CA_FILE: '/certs/ca.pem',
      DATABASE_MIGRATE: 'false',
    });
    expect(services.api.environment.JWT_SECRET).toBe('${JWT_SECRET:?set JWT_SECRET}');
    // Both services refuse to start in production without it.
    for (const name of ['api', 'web'])
      expect(services[name].environment.ORIGIN_VERIFY_SECRET).toBe('${ORIGIN_VERIFY_SECRET:?set ORIGIN_VERIFY_SECRET}');
    // The migration job (the api image, its other command) as the administrator first; the api as the runtime role.
    expect(services.migrate).toMatchObject({ build: { target: 'api' }, command: ['node', 'apps/api/dist/migrate.js'] });
    expect(services.migrate.environment).toMatchObject({
      DATABASE_URL: 'postgres://drop:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/drop',
      DATABASE_RUNTIME_USER: 'drop_app',
      DATABASE_RUNTIME_AUTH: 'password',
    });
    expect(services.api.environment.DATABASE_URL).toBe(
      'postgres://drop_app:${DATABASE_APP_PASSWORD:?set DATABASE_APP_PASSWORD}@postgres:5432/drop',
    );
    expect(JSON.stringify(services.api.environment)).not.toContain('POSTGRES_PASSWORD');
    expect(services.api.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    // No literal secret: every secret-looking key is an interpolation.
    for (const match of raw.matchAll(/(PASSWORD|SECRET|CLIENT_ID)[A-Z_]*: (.*)$/gm)) expect(match[2]).toMatch(/^\$\{[A-Z_]+:[?-]/);
  });
});
