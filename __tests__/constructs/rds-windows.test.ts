import { describe, expect, it } from 'vitest';
import { backupWindowMinutes, maintenanceWindowMinutes, overlappingDays } from '../../constructs/rds-windows';

describe('RDS windows', () => {
  it('measures windows that wrap around midnight and the week', () => {
    expect(backupWindowMinutes('23:45-00:15')).toBe(30);
    expect(maintenanceWindowMinutes('sun:23:30-mon:00:30')).toBe(60);
  });

  it('finds no overlap between a night backup and a Sunday-morning maintenance', () => {
    expect(overlappingDays('01:00-01:30', 'sun:03:00-sun:04:00')).toEqual([]);
  });

  it('treats windows that only touch as not overlapping', () => {
    expect(overlappingDays('02:30-03:00', 'sun:03:00-sun:04:00')).toEqual([]);
    expect(overlappingDays('04:00-04:30', 'sun:03:00-sun:04:00')).toEqual([]);
  });

  it('finds the day a daily backup meets a weekly maintenance window', () => {
    expect(overlappingDays('03:59-04:29', 'sun:03:00-sun:04:00')).toEqual(['sun']);
  });

  it('finds overlaps across the end of the week', () => {
    expect(overlappingDays('00:00-00:30', 'sun:23:30-mon:00:30')).toEqual(['mon']);
  });

  it('finds every day a multi-day maintenance window covers', () => {
    expect(overlappingDays('12:00-12:30', 'fri:11:00-sun:13:00')).toEqual(['fri', 'sat', 'sun']);
  });
});
