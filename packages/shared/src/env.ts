/**
 * The environment-variable contract of the services: every variable a process of the platform
 * reads, who reads it, and where its value comes from. `stacks/compute-stack.ts` writes the
 * services' environments typed by this table (a required variable it forgets, or a name that is
 * not here, fails the type check), and `apps/api/src/config.ts` reads only names of this table.
 *
 * `from`:
 *  - `compute`: a plain variable the compute stack sets (never a secret);
 *  - `secret`: injected from Secrets Manager when an instance starts (the compute stack passes the
 *    secret's ARN, never the value);
 *  - `job`: set by `npm run db:migrate` on the one-off migration task (apps/api/src/migrate.ts);
 *  - `local`: development, tests and Compose only; never set in AWS.
 */

/** The processes that read the environment. */
export type EnvReader = 'api' | 'web' | 'migrate';

export interface EnvVariable {
  readonly readers: readonly EnvReader[];
  readonly from: 'compute' | 'secret' | 'job' | 'local';
  /** For `compute`: the stack must set it for every reader (else it is optional). */
  readonly required?: boolean;
  readonly description: string;
}

export const ENVIRONMENT = {
  NODE_ENV: { readers: ['api', 'web', 'migrate'], from: 'compute', required: true, description: '`production` in AWS' },
  PORT: { readers: ['api', 'web'], from: 'compute', required: true, description: 'the port the service listens on' },
  HOSTNAME: { readers: ['web'], from: 'compute', required: true, description: 'the address Next.js binds (0.0.0.0)' },
  DROP_ENV: {
    readers: ['api', 'web', 'migrate'],
    from: 'compute',
    required: true,
    description: "the environment's name; a sign of a deployed instance; Sentry's environment",
  },
  DROP_TIER: {
    readers: ['api', 'migrate'],
    from: 'compute',
    required: true,
    description: '`staging` or `production`; a sign of a deployed instance',
  },
  APP_VERSION: { readers: ['api', 'web'], from: 'compute', required: true, description: "the release's image tag (health `version`)" },
  APP_URL: { readers: ['api'], from: 'compute', required: true, description: 'the web origin allowed by CORS' },
  API_URL: { readers: ['web'], from: 'compute', required: true, description: 'where the web server calls the API' },
  BANKID_MOCK: { readers: ['api'], from: 'compute', required: true, description: '`false` in every deployed environment' },
  BANKID_ISSUER: { readers: ['api'], from: 'compute', required: true, description: 'the OpenID Connect issuer of BankID' },
  BANKID_CALLBACK_URL: { readers: ['api'], from: 'compute', required: true, description: "the web app's callback, registered with BankID" },
  BANKID_ID_CLAIM: { readers: ['api'], from: 'compute', description: 'the ID token claim holding the national identity number' },
  BANKID_SCOPE: { readers: ['api'], from: 'compute', description: 'the scopes asked of BankID' },
  SEED_DEMO: { readers: ['api'], from: 'compute', description: 'demo data; staging only (a production tier refuses it)' },
  DATABASE_URL: {
    readers: ['api', 'migrate'],
    from: 'compute',
    required: true,
    description: 'host, port and database, without credentials in AWS',
  },
  DATABASE_AUTH: { readers: ['api'], from: 'compute', required: true, description: '`iam` in AWS: RDS IAM tokens, no password exists' },
  DATABASE_USER: { readers: ['api'], from: 'compute', required: true, description: 'the runtime role the API connects as' },
  DATABASE_REGION: { readers: ['api'], from: 'compute', required: true, description: 'the region IAM tokens are signed for' },
  DATABASE_CA_FILE: {
    readers: ['api', 'migrate'],
    from: 'local',
    description: 'the CA to verify PostgreSQL against (the image has RDS’s)',
  },
  DATABASE_POOL_MAX: { readers: ['api'], from: 'compute', description: 'connections per instance' },
  DATABASE_POOL_WAIT_MS: { readers: ['api'], from: 'compute', description: 'how long a request waits for a connection before 503' },
  DATABASE_QUERY_TIMEOUT_MS: { readers: ['api'], from: 'compute', description: 'PostgreSQL statement_timeout' },
  DATABASE_MIGRATE: { readers: ['api'], from: 'local', description: 'apply migrations at start (development, tests, Compose)' },
  DATABASE_CREDENTIALS: {
    readers: ['migrate'],
    from: 'job',
    description: "the RDS-managed master secret's JSON, injected into the migration task only",
  },
  DATABASE_RUNTIME_USER: { readers: ['migrate'], from: 'job', description: 'the runtime role the migration creates and grants' },
  DATABASE_RUNTIME_AUTH: { readers: ['migrate'], from: 'job', description: '`iam` (GRANT rds_iam) or `password`' },
  DATABASE_RUNTIME_PASSWORD: { readers: ['migrate'], from: 'local', description: "the runtime role's password where IAM does not exist" },
  DATA_DIR: { readers: ['api'], from: 'local', description: 'the embedded database (development)' },
  SHUTDOWN_TIMEOUT_MS: { readers: ['api', 'web'], from: 'compute', description: 'the drain on SIGTERM fits in it' },
  JWT_SECRET: { readers: ['api'], from: 'secret', description: 'signs the session tokens' },
  BANKID_CLIENT_ID: { readers: ['api'], from: 'secret', description: 'the client registered with BankID' },
  BANKID_CLIENT_SECRET: { readers: ['api'], from: 'secret', description: "the BankID client's secret" },
  SENTRY_DSN: { readers: ['api', 'web'], from: 'secret', description: 'where error reports go' },
  ORIGIN_VERIFY_SECRET: { readers: ['api', 'web'], from: 'secret', description: '`current[,previous]`: the X-Origin-Verify values' },
} as const satisfies Record<string, EnvVariable>;

export type EnvName = keyof typeof ENVIRONMENT;
type Entry<K extends EnvName> = (typeof ENVIRONMENT)[K];
type ReadBy<K extends EnvName, R extends EnvReader> = R extends Entry<K>['readers'][number] ? K : never;

/** The plain variables the compute stack sets for `reader`. */
export type ComputeVariable<R extends EnvReader> = {
  [K in EnvName]: Entry<K>['from'] extends 'compute' ? ReadBy<K, R> : never;
}[EnvName];
/** Those of them it must set. */
export type RequiredComputeVariable<R extends EnvReader> = {
  [K in ComputeVariable<R>]: Entry<K> extends { required: true } ? K : never;
}[ComputeVariable<R>];
/** The secrets injected into `reader`. */
export type SecretVariable<R extends EnvReader> = {
  [K in EnvName]: Entry<K>['from'] extends 'secret' ? ReadBy<K, R> : never;
}[EnvName];

/** A service's plain environment as the compute stack writes it: every required variable, optional ones if wanted. */
export type ComputeEnvironment<R extends EnvReader> = { [K in RequiredComputeVariable<R>]: string } & {
  [K in Exclude<ComputeVariable<R>, RequiredComputeVariable<R>>]?: string;
};

/** The names of a kind of variable for `reader`, in table order (for tests and docs). */
export function variables(reader: EnvReader, from: EnvVariable['from']): EnvName[] {
  return (Object.keys(ENVIRONMENT) as EnvName[]).filter((name) => {
    const entry: EnvVariable = ENVIRONMENT[name];
    return entry.from === from && entry.readers.includes(reader);
  });
}

/** The database roles (created by the migration, apps/api/src/migrate.ts; named in IAM by the compute stack). */
export const DATABASE_ROLES = {
  /** Owns the schema's tables; NOLOGIN: migrations `SET ROLE` to it. */
  owner: 'drop_owner',
  /** What the services connect as: read and write the application's tables, nothing else. */
  runtime: 'drop_app',
} as const;
