/**
 * The alarms (docs/requirements.md, Alarms) of an ECS Express service, on its target groups, its
 * load balancer and its ECS service.
 *
 * Metric dimensions (docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 * `HTTPCode_ELB_5XX_Count` and `RequestCount` have a `LoadBalancer` dimension (and
 * `AvailabilityZone`), no `TargetGroup`: the load balancer's own 5xx are per load balancer.
 * `HealthyHostCount`, `HTTPCode_Target_5XX_Count`, `TargetResponseTime` and `RequestCount` also
 * come by `LoadBalancer` and `TargetGroup`.
 */
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { ALARMS, OUTAGE_ALARMS, alarmBasics } from './alarms';
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
    // Cloudflare's health checks (every minute, from several regions) and the ingress load
    // balancer's own checks reach the service all the time: no response time at all means down.
    treatMissingData: 'breaching',
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
  // What an outage alarm shares: it notifies the topic, and no data at all counts as breaching.
  const outage = (suffix: string, alarmDescription: string) => ({
    alarmName: `${serviceName}-${suffix}`,
    alarmDescription,
    alarmActions: [props.alarmTopicArn],
    okActions: [props.alarmTopicArn],
    treatMissingData: 'breaching',
  });
  // A total outage: no healthy target in either target group (canary deployments move the tasks
  // from one to the other), whatever the traffic. No data (the target groups gone) pages too.
  new CloudwatchMetricAlarm(scope, 'healthy-hosts-alarm', {
    ...outage(
      'healthy-hosts',
      `Fewer than ${OUTAGE_ALARMS.healthyHostsBelow} healthy target for ${OUTAGE_ALARMS.healthyHostsMinutes} minutes: the service is down`,
    ),
    comparisonOperator: 'LessThanThreshold',
    threshold: OUTAGE_ALARMS.healthyHostsBelow,
    evaluationPeriods: OUTAGE_ALARMS.healthyHostsMinutes,
    metricQuery: [
      ...perTargetGroup('healthy', 'HealthyHostCount', 'Maximum'),
      { id: 'healthy', expression: 'FILL(healthy0, 0) + FILL(healthy1, 0)', label: 'healthy targets', returnData: true },
    ],
  });
  // The load balancer's own 5xx: 502/503/504 it answers when no target does. This metric has no
  // target group dimension, so it covers every service on the (shared) Express load balancer: each
  // service's alarm reads its own load balancer, and two services on one page together.
  const perLoadBalancer = (id: string, metricName: string): CloudwatchMetricAlarmMetricQuery => ({
    id,
    returnData: false,
    metric: {
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: { LoadBalancer: Token.asString(loadBalancer) },
      period: 60,
      stat: 'Sum',
    },
  });
  // Health checks reach the load balancer every minute: no requests at all means it is unreachable.
  new CloudwatchMetricAlarm(scope, 'load-balancer-5xx-alarm', {
    ...outage(
      'load-balancer-5xx',
      `Load balancer 5xx (no target answered) above ${OUTAGE_ALARMS.loadBalancer5xxPercent} % of its requests for ` +
        `${OUTAGE_ALARMS.loadBalancer5xxMinutes} minutes (the Express load balancer of ${serviceName}; shared with its other services)`,
    ),
    comparisonOperator: 'GreaterThanThreshold',
    threshold: OUTAGE_ALARMS.loadBalancer5xxPercent,
    evaluationPeriods: OUTAGE_ALARMS.loadBalancer5xxMinutes,
    metricQuery: [
      perLoadBalancer('errors', 'HTTPCode_ELB_5XX_Count'),
      perLoadBalancer('requests', 'RequestCount'),
      {
        id: 'rate',
        expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
        label: 'load balancer 5xx % of requests',
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
