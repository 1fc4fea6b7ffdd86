/** The alarm thresholds (docs/requirements.md, Alarms), the same for every engine. */
export const ALARMS = {
  latencyP95Ms: 500,
  latencyMinutes: 3,
  errorRatePercent: 5,
  errorRateMinutes: 2,
  cpuPercent: 80,
  cpuMinutes: 3,
} as const;

/**
 * The outage alarms of an engine with its own load balancer (ECS Express): fewer healthy targets
 * than `healthyHostsBelow` for `healthyHostsMinutes`, and the load balancer's own 5xx (no target
 * answered) above `loadBalancer5xxPercent` of its requests for `loadBalancer5xxMinutes`.
 */
export const OUTAGE_ALARMS = {
  healthyHostsBelow: 1,
  healthyHostsMinutes: 2,
  loadBalancer5xxPercent: 5,
  loadBalancer5xxMinutes: 2,
} as const;

/**
 * What a service's three alarms share on every engine: name, description, comparison, threshold
 * (but latency's, whose unit the engine's metric decides), evaluation periods, missing-data
 * handling and the topic they notify. Engines add their metrics.
 */
export function alarmBasics(serviceName: string, topicArn: string) {
  const shared = { alarmActions: [topicArn], okActions: [topicArn], comparisonOperator: 'GreaterThanThreshold' };
  return {
    latency: {
      ...shared,
      alarmName: `${serviceName}-latency-p95`,
      alarmDescription: `p95 latency above ${ALARMS.latencyP95Ms} ms for ${ALARMS.latencyMinutes} minutes`,
      evaluationPeriods: ALARMS.latencyMinutes,
      treatMissingData: 'notBreaching',
    },
    errorRate: {
      ...shared,
      alarmName: `${serviceName}-5xx-rate`,
      alarmDescription: `5xx responses above ${ALARMS.errorRatePercent} % of requests for ${ALARMS.errorRateMinutes} minutes`,
      threshold: ALARMS.errorRatePercent,
      evaluationPeriods: ALARMS.errorRateMinutes,
      treatMissingData: 'notBreaching',
    },
    cpu: {
      ...shared,
      alarmName: `${serviceName}-cpu`,
      alarmDescription: `CPU above ${ALARMS.cpuPercent} % for ${ALARMS.cpuMinutes} minutes`,
      metricName: 'CPUUtilization',
      statistic: 'Average',
      period: 60,
      threshold: ALARMS.cpuPercent,
      evaluationPeriods: ALARMS.cpuMinutes,
      treatMissingData: 'missing',
    },
  };
}
