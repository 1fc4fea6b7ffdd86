/**
 * The metric the API writes and the compute stack alarms on: requests it answered 503 because it
 * could not serve them in time (the database pool exhausted, a statement cancelled at its
 * timeout). The API writes it as a CloudWatch embedded-metric-format line to its log; CloudWatch
 * Logs extracts the metric from any such line (AWS CloudWatch User Guide, "Specification: Embedded
 * metric format"; no agent or header needed with PutLogEvents, which App Runner and the awslogs
 * driver use).
 */
export const OVERLOAD_METRIC = {
  namespace: 'Drop/Api',
  name: 'OverloadedRequests',
  /** The environment's name (DROP_ENV). */
  dimension: 'Environment',
} as const;

/** One embedded-metric-format log line: `count` overloaded requests in the environment at `timestamp` (ms). */
export function overloadMetricLine(environment: string, count: number, timestamp: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: OVERLOAD_METRIC.namespace,
          Dimensions: [[OVERLOAD_METRIC.dimension]],
          Metrics: [{ Name: OVERLOAD_METRIC.name, Unit: 'Count' }],
        },
      ],
    },
    [OVERLOAD_METRIC.dimension]: environment,
    [OVERLOAD_METRIC.name]: count,
  });
}
