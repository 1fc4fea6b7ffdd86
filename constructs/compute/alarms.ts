/** The alarm thresholds (docs/requirements.md, Alarms), the same for every engine. */
export const ALARMS = {
  latencyP95Ms: 500,
  latencyMinutes: 3,
  errorRatePercent: 5,
  errorRateMinutes: 2,
  cpuPercent: 80,
  cpuMinutes: 3,
} as const;
