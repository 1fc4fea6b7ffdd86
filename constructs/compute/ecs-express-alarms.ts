/** The alarms (docs/requirements.md, Alarms) of an ECS Express service, on its target groups and its ECS service. */
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { ALARMS, alarmBasics } from './alarms';
import type { ServiceProps } from './service';

/**
 * The alarms (docs/requirements.md, Alarms) on the service's own traffic: its target groups on the shared Express load
 * balancer (two of them, as canary deployments move traffic from one to the other, so each
 * alarm reads both) and its ECS service's CPU.
 */
export function expressAlarms(
  scope: Construct,
  props: Pick<ServiceProps, 'alarmTopicArn'>,
  serviceName: string,
  clusterName: string,
  loadBalancerArn: string,
  targetGroupArns: string[],
): void {
  const basics = alarmBasics(serviceName, props.alarmTopicArn);
  // regex with no capture group returns the match itself.
  const loadBalancer = Fn.regex('app/.+$', loadBalancerArn);
  const targetGroup = (index: number) => Token.asString(Fn.regex('targetgroup/.+$', Fn.element(targetGroupArns, index)));
  const perTargetGroup = (prefix: string, metricName: string, stat: string): CloudwatchMetricAlarmMetricQuery[] =>
    [0, 1].map((index) => ({
      id: `${prefix}${index}`,
      returnData: false,
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName,
        dimensions: { LoadBalancer: Token.asString(loadBalancer), TargetGroup: targetGroup(index) },
        period: 60,
        stat,
      },
    }));

  new CloudwatchMetricAlarm(scope, 'latency-alarm', {
    ...basics.latency,
    // TargetResponseTime is in seconds.
    threshold: ALARMS.latencyP95Ms / 1000,
    metricQuery: [
      ...perTargetGroup('latency', 'TargetResponseTime', 'p95'),
      { id: 'p95', expression: 'MAX([latency0, latency1])', label: 'p95 target response time (s)', returnData: true },
    ],
  });
  new CloudwatchMetricAlarm(scope, 'error-rate-alarm', {
    ...basics.errorRate,
    metricQuery: [
      ...perTargetGroup('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
      ...perTargetGroup('requests', 'RequestCount', 'Sum'),
      {
        id: 'rate',
        expression:
          'IF(FILL(requests0, 0) + FILL(requests1, 0) > 0, 100 * (FILL(errors0, 0) + FILL(errors1, 0)) / (FILL(requests0, 0) + FILL(requests1, 0)), 0)',
        label: '5xx % of requests',
        returnData: true,
      },
    ],
  });
  new CloudwatchMetricAlarm(scope, 'cpu-alarm', {
    ...basics.cpu,
    namespace: 'AWS/ECS',
    dimensions: { ClusterName: clusterName, ServiceName: serviceName },
  });
}
