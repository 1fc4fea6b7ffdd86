/**
 * RDS time windows, as minutes on a weekly clock (0 = Monday 00:00 UTC).
 *
 * The backup window (`hh24:mi-hh24:mi`) recurs every day; the maintenance window
 * (`ddd:hh24:mi-ddd:hh24:mi`) once a week. Both may wrap around midnight (and the week).
 */
import { DropError } from './validation';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export const BACKUP_WINDOW_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
export const MAINTENANCE_WINDOW_PATTERN =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

/** A half-open interval [start, start + length) on a circle of `period` minutes. */
interface Span {
  readonly start: number;
  readonly length: number;
}

function clock(hours: string, minutes: string): number {
  return Number(hours) * 60 + Number(minutes);
}

function span(start: number, end: number, period: number): Span {
  const length = (((end - start) % period) + period) % period;
  return { start, length };
}

/** Length in minutes of a daily backup window such as `01:00-01:30`. */
export function backupWindowMinutes(window: string): number {
  return parseBackupWindow(window).length;
}

/** Length in minutes of a weekly maintenance window such as `sun:03:00-sun:04:00`. */
export function maintenanceWindowMinutes(window: string): number {
  return parseMaintenanceWindow(window).length;
}

function parseBackupWindow(window: string): Span {
  const m = BACKUP_WINDOW_PATTERN.exec(window);
  if (!m) throw new DropError(`Invalid backup window "${window}": expected "hh24:mi-hh24:mi" in UTC, such as "01:00-01:30"`);
  return span(clock(m[1], m[2]), clock(m[3], m[4]), MINUTES_PER_DAY);
}

function parseMaintenanceWindow(window: string): Span {
  const m = MAINTENANCE_WINDOW_PATTERN.exec(window);
  if (!m)
    throw new DropError(`Invalid maintenance window "${window}": expected "ddd:hh24:mi-ddd:hh24:mi" in UTC, such as "sun:03:00-sun:04:00"`);
  const day = (name: string) => DAYS.indexOf(name as (typeof DAYS)[number]) * MINUTES_PER_DAY;
  return span(day(m[1]) + clock(m[2], m[3]), day(m[4]) + clock(m[5], m[6]), MINUTES_PER_WEEK);
}

function intersects(a: Span, b: Span): boolean {
  // On a circle, two spans meet when either one starts inside the other.
  const inside = (point: number, s: Span) => (((point - s.start) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK < s.length;
  return inside(a.start, b) || inside(b.start, a);
}

/**
 * The days on which a daily backup window overlaps a weekly maintenance window
 * (empty when they never overlap). Both windows must already match their patterns.
 */
export function overlappingDays(backupWindow: string, maintenanceWindow: string): string[] {
  const backup = parseBackupWindow(backupWindow);
  const maintenance = parseMaintenanceWindow(maintenanceWindow);
  return DAYS.filter((_, day) => intersects({ start: day * MINUTES_PER_DAY + backup.start, length: backup.length }, maintenance));
}
