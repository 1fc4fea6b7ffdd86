/**
 * The RDS instance classes that run PostgreSQL 16, with their memory (GiB).
 *
 * Previous-generation families (db.t2, db.m3, db.m4, db.r3, db.r4) do not run PostgreSQL 16 at
 * all, so they can be neither single- nor Multi-AZ here. Every class below supports Multi-AZ DB
 * instance deployments.
 */

const BURSTABLE_SIZES = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 } as const;
const STANDARD_SIZES = { large: 8, xlarge: 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128 } as const;

const FAMILIES: Record<string, { readonly sizes: Readonly<Record<string, number>>; readonly memoryFactor: number }> = {
  t3: { sizes: BURSTABLE_SIZES, memoryFactor: 1 },
  t4g: { sizes: BURSTABLE_SIZES, memoryFactor: 1 },
  ...Object.fromEntries(
    ['m5', 'm5d', 'm6g', 'm6gd', 'm6i', 'm6id', 'm7g', 'm7i', 'm8g'].map((f) => [f, { sizes: STANDARD_SIZES, memoryFactor: 1 }]),
  ),
  ...Object.fromEntries(
    ['r5', 'r5b', 'r5d', 'r6g', 'r6gd', 'r6i', 'r6id', 'r7g', 'r7i', 'r8g'].map((f) => [f, { sizes: STANDARD_SIZES, memoryFactor: 2 }]),
  ),
};

const PREVIOUS_GENERATION = ['t2', 'm1', 'm2', 'm3', 'm4', 'r3', 'r4'];

export const POSTGRES16_FAMILIES = Object.keys(FAMILIES).map((f) => `db.${f}`);

/** Memory in GiB of a PostgreSQL 16 class, or why the class cannot be used. */
export function postgres16Class(instanceClass: string): { memoryGib: number } | { problem: string } {
  const [, family = '', size = ''] = instanceClass.split('.');
  if (PREVIOUS_GENERATION.includes(family)) {
    return {
      problem: `cannot run PostgreSQL 16 (db.${family} is a previous-generation family), single- or Multi-AZ; expected a class of ${POSTGRES16_FAMILIES.join(', ')}, e.g. "db.t3.medium" or "db.r6g.large"`,
    };
  }
  const known = FAMILIES[family];
  if (!known) {
    return { problem: `is not a known RDS for PostgreSQL 16 instance class; expected a class of ${POSTGRES16_FAMILIES.join(', ')}` };
  }
  const memory = known.sizes[size];
  if (memory === undefined) {
    return { problem: `has no size "${size}" in db.${family}; expected one of ${Object.keys(known.sizes).join(', ')}` };
  }
  return { memoryGib: memory * known.memoryFactor };
}

/**
 * PostgreSQL's default max_connections on RDS: LEAST(DBInstanceClassMemory / 9531392, 5000).
 * DBInstanceClassMemory is the class memory less what RDS reserves; 90 % is a close estimate.
 */
export function defaultMaxConnections(memoryGib: number): number {
  return Math.min(Math.floor((memoryGib * 1024 ** 3 * 0.9) / 9531392), 5000);
}
