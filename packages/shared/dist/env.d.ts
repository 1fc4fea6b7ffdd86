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
export declare const ENVIRONMENT: {
    readonly NODE_ENV: {
        readonly readers: readonly ["api", "web", "migrate"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "`production` in AWS";
    };
    readonly PORT: {
        readonly readers: readonly ["api", "web"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the port the service listens on";
    };
    readonly HOSTNAME: {
        readonly readers: readonly ["web"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the address Next.js binds (0.0.0.0)";
    };
    readonly DROP_ENV: {
        readonly readers: readonly ["api", "web", "migrate"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the environment's name; a sign of a deployed instance; Sentry's environment";
    };
    readonly DROP_TIER: {
        readonly readers: readonly ["api", "migrate"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "`staging` or `production`; a sign of a deployed instance";
    };
    readonly APP_VERSION: {
        readonly readers: readonly ["api", "web"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the release's image tag (health `version`)";
    };
    readonly APP_URL: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the web origin allowed by CORS";
    };
    readonly API_URL: {
        readonly readers: readonly ["web"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "where the web server calls the API";
    };
    readonly BANKID_MOCK: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "`false` in every deployed environment";
    };
    readonly BANKID_ISSUER: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the OpenID Connect issuer of BankID";
    };
    readonly BANKID_CALLBACK_URL: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the web app's callback, registered with BankID";
    };
    readonly BANKID_ID_CLAIM: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "the ID token claim holding the national identity number";
    };
    readonly BANKID_SCOPE: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "the scopes asked of BankID";
    };
    readonly SEED_DEMO: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "demo data; staging only (a production tier refuses it)";
    };
    readonly DATABASE_URL: {
        readonly readers: readonly ["api", "migrate"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "host, port and database, without credentials in AWS";
    };
    readonly DATABASE_AUTH: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "`iam` in AWS: RDS IAM tokens, no password exists";
    };
    readonly DATABASE_USER: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the runtime role the API connects as";
    };
    readonly DATABASE_REGION: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly required: true;
        readonly description: "the region IAM tokens are signed for";
    };
    readonly DATABASE_CA_FILE: {
        readonly readers: readonly ["api", "migrate"];
        readonly from: "local";
        readonly description: "the CA to verify PostgreSQL against (the image has RDS’s)";
    };
    readonly DATABASE_POOL_MAX: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "connections per instance";
    };
    readonly DATABASE_POOL_WAIT_MS: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "how long a request waits for a connection before 503";
    };
    readonly DATABASE_QUERY_TIMEOUT_MS: {
        readonly readers: readonly ["api"];
        readonly from: "compute";
        readonly description: "PostgreSQL statement_timeout";
    };
    readonly DATABASE_MIGRATE: {
        readonly readers: readonly ["api"];
        readonly from: "local";
        readonly description: "apply migrations at start (development, tests, Compose)";
    };
    readonly DATABASE_CREDENTIALS: {
        readonly readers: readonly ["migrate"];
        readonly from: "job";
        readonly description: "the RDS-managed master secret's JSON, injected into the migration task only";
    };
    readonly DATABASE_RUNTIME_USER: {
        readonly readers: readonly ["migrate"];
        readonly from: "job";
        readonly description: "the runtime role the migration creates and grants";
    };
    readonly DATABASE_RUNTIME_AUTH: {
        readonly readers: readonly ["migrate"];
        readonly from: "job";
        readonly description: "`iam` (GRANT rds_iam) or `password`";
    };
    readonly DATABASE_RUNTIME_PASSWORD: {
        readonly readers: readonly ["migrate"];
        readonly from: "local";
        readonly description: "the runtime role's password where IAM does not exist";
    };
    readonly DATA_DIR: {
        readonly readers: readonly ["api"];
        readonly from: "local";
        readonly description: "the embedded database (development)";
    };
    readonly SHUTDOWN_TIMEOUT_MS: {
        readonly readers: readonly ["api", "web"];
        readonly from: "compute";
        readonly description: "the drain on SIGTERM fits in it";
    };
    readonly JWT_SECRET: {
        readonly readers: readonly ["api"];
        readonly from: "secret";
        readonly description: "signs the session tokens";
    };
    readonly BANKID_CLIENT_ID: {
        readonly readers: readonly ["api"];
        readonly from: "secret";
        readonly description: "the client registered with BankID";
    };
    readonly BANKID_CLIENT_SECRET: {
        readonly readers: readonly ["api"];
        readonly from: "secret";
        readonly description: "the BankID client's secret";
    };
    readonly SENTRY_DSN: {
        readonly readers: readonly ["api", "web"];
        readonly from: "secret";
        readonly description: "where error reports go";
    };
    readonly ORIGIN_VERIFY_SECRET: {
        readonly readers: readonly ["api", "web"];
        readonly from: "secret";
        readonly description: "`current[,previous]`: the X-Origin-Verify values";
    };
};
export type EnvName = keyof typeof ENVIRONMENT;
type Entry<K extends EnvName> = (typeof ENVIRONMENT)[K];
type ReadBy<K extends EnvName, R extends EnvReader> = R extends Entry<K>['readers'][number] ? K : never;
/** The plain variables the compute stack sets for `reader`. */
export type ComputeVariable<R extends EnvReader> = {
    [K in EnvName]: Entry<K>['from'] extends 'compute' ? ReadBy<K, R> : never;
}[EnvName];
/** Those of them it must set. */
export type RequiredComputeVariable<R extends EnvReader> = {
    [K in ComputeVariable<R>]: Entry<K> extends {
        required: true;
    } ? K : never;
}[ComputeVariable<R>];
/** The secrets injected into `reader`. */
export type SecretVariable<R extends EnvReader> = {
    [K in EnvName]: Entry<K>['from'] extends 'secret' ? ReadBy<K, R> : never;
}[EnvName];
/** A service's plain environment as the compute stack writes it: every required variable, optional ones if wanted. */
export type ComputeEnvironment<R extends EnvReader> = {
    [K in RequiredComputeVariable<R>]: string;
} & {
    [K in Exclude<ComputeVariable<R>, RequiredComputeVariable<R>>]?: string;
};
/** The names of a kind of variable for `reader`, in table order (for tests and docs). */
export declare function variables(reader: EnvReader, from: EnvVariable['from']): EnvName[];
/** The database roles (created by the migration, apps/api/src/migrate.ts; named in IAM by the compute stack). */
export declare const DATABASE_ROLES: {
    /** Owns the schema's tables; NOLOGIN: migrations `SET ROLE` to it. */
    readonly owner: "drop_owner";
    /** What the services connect as: read and write the application's tables, nothing else. */
    readonly runtime: "drop_app";
};
export {};
