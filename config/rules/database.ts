/** Cross-field rules of `database`: production safety, the instance class, storage, windows. */
import { postgresDatabaseProblems } from '../../constructs/postgres-database';
import { mapPaths } from '../../constructs/validation';
import type { Rules } from './rule';

export const databaseRules: Rules = {
  productionIsMultiAz: (env) =>
    env.tier === 'production' && !env.database.multiAz
      ? [
          {
            path: ['database', 'multiAz'],
            input: false,
            message: 'must be true when tier is "production" (failover for the live database)',
          },
        ]
      : [],
  productionHasDeletionProtection: (env) =>
    env.tier === 'production' && !env.database.deletionProtection
      ? [{ path: ['database', 'deletionProtection'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  productionKeepsFinalSnapshot: (env) =>
    env.tier === 'production' && !env.database.finalSnapshot
      ? [{ path: ['database', 'finalSnapshot'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  // The database construct's own checks: a class that runs PostgreSQL 16, storage autoscaling,
  // the RDS windows.
  databaseCanRun: (env) => mapPaths(postgresDatabaseProblems(env.database), (path) => ['database', ...path]),
};
