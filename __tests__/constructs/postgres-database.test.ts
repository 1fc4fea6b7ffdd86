import { describe, expect, it } from 'vitest';
import { postgresDatabaseProblems } from '../../constructs/postgres-database';

const settings = {
  instanceClass: 'db.t3.micro',
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: undefined,
  backupWindow: '01:00-01:30',
  maintenanceWindow: 'sun:03:00-sun:04:00',
};

describe('what RDS can run', () => {
  it('accepts the staging settings', () => {
    expect(postgresDatabaseProblems(settings)).toEqual([]);
  });

  it('refuses a previous-generation class, naming the families that run PostgreSQL 16', () => {
    expect(postgresDatabaseProblems({ ...settings, instanceClass: 'db.m4.large' })).toEqual([
      expect.objectContaining({
        path: ['instanceClass'],
        input: 'db.m4.large',
        message: expect.stringContaining('previous-generation family'),
      }),
    ]);
  });

  it('refuses storage autoscaling at or below the allocation', () => {
    expect(postgresDatabaseProblems({ ...settings, maxAllocatedStorageGb: 20 })).toEqual([
      {
        path: ['maxAllocatedStorageGb'],
        input: 20,
        message: 'must be above allocatedStorageGb (20) to autoscale; omit it to turn autoscaling off',
      },
    ]);
  });

  it('refuses a short backup window and one that overlaps maintenance, and skips a malformed window', () => {
    expect(postgresDatabaseProblems({ ...settings, backupWindow: '03:00-03:20', maintenanceWindow: 'sun:03:00-sun:04:00' })).toEqual([
      { path: ['backupWindow'], input: '03:00-03:20', message: 'is shorter than 30 minutes, the RDS minimum' },
      {
        path: ['backupWindow'],
        input: '03:00-03:20',
        message: 'overlaps maintenanceWindow "sun:03:00-sun:04:00" (on sun); expected a daily window outside it',
      },
    ]);
    expect(postgresDatabaseProblems({ ...settings, backupWindow: 'soon' })).toEqual([]);
  });
});
