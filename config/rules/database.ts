/** Cross-field rules of `database`: production safety, the instance class, storage, windows. */
import { postgres16Class } from '../../constructs/rds-instance-classes';
import { BACKUP_WINDOW_PATTERN, MAINTENANCE_WINDOW_PATTERN, backupWindowMinutes, maintenanceWindowMinutes, overlappingDays } from '../windows';
import type { Rules } from './rule';

export const databaseRules: Rules = {
  productionIsMultiAz: (env) =>
    env.tier === 'production' && !env.database.multiAz
      ? [{ path: ['database', 'multiAz'], input: false, message: 'must be true when tier is "production" (failover for the live database)' }]
      : [],
  productionHasDeletionProtection: (env) =>
    env.tier === 'production' && !env.database.deletionProtection
      ? [{ path: ['database', 'deletionProtection'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  productionKeepsFinalSnapshot: (env) =>
    env.tier === 'production' && !env.database.finalSnapshot
      ? [{ path: ['database', 'finalSnapshot'], input: false, message: 'must be true when tier is "production"' }]
      : [],
  instanceClassRunsPostgres16: (env) => {
    const found = postgres16Class(env.database.instanceClass);
    return 'problem' in found
      ? [{ path: ['database', 'instanceClass'], input: env.database.instanceClass, message: found.problem }]
      : [];
  },
  storageAutoscalingAboveAllocated: (env) => {
    const { allocatedStorageGb, maxAllocatedStorageGb } = env.database;
    return maxAllocatedStorageGb !== undefined && maxAllocatedStorageGb <= allocatedStorageGb
      ? [{
          path: ['database', 'maxAllocatedStorageGb'],
          input: maxAllocatedStorageGb,
          message: `must be above allocatedStorageGb (${allocatedStorageGb}) to autoscale; omit it to turn autoscaling off`,
        }]
      : [];
  },
  // Field checks do not stop these rules, so rules that parse a window skip a malformed one
  // (its own error is already reported).
  backupWindowLength: (env) =>
    BACKUP_WINDOW_PATTERN.test(env.database.backupWindow) && backupWindowMinutes(env.database.backupWindow) < 30
      ? [{ path: ['database', 'backupWindow'], input: env.database.backupWindow, message: 'is shorter than 30 minutes, the RDS minimum' }]
      : [],
  maintenanceWindowLength: (env) =>
    MAINTENANCE_WINDOW_PATTERN.test(env.database.maintenanceWindow) &&
    maintenanceWindowMinutes(env.database.maintenanceWindow) < 30
      ? [{ path: ['database', 'maintenanceWindow'], input: env.database.maintenanceWindow, message: 'is shorter than 30 minutes, the RDS minimum' }]
      : [],
  windowsDoNotOverlap: (env) => {
    const { backupWindow, maintenanceWindow } = env.database;
    if (!BACKUP_WINDOW_PATTERN.test(backupWindow) || !MAINTENANCE_WINDOW_PATTERN.test(maintenanceWindow)) return [];
    const days = overlappingDays(backupWindow, maintenanceWindow);
    return days.length > 0
      ? [{
          path: ['database', 'backupWindow'],
          input: backupWindow,
          message: `overlaps maintenanceWindow "${maintenanceWindow}" (on ${days.join(', ')}); expected a daily window outside it`,
        }]
      : [];
  },
};
