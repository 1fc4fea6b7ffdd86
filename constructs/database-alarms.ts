/**
 * Alarms of a PostgreSQL instance (CPU, free storage, connections, memory) and its RDS events
 * (failover, failure, low storage, maintenance, ...) to one SNS topic.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbEventSubscription } from '@cdktf/provider-aws/lib/db-event-subscription';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { defaultMaxConnections } from './rds-instance-classes';
import type { Naming } from './naming';
import type { PostgresDatabase } from './postgres-database';

export interface DatabaseAlarmsProps {
  readonly naming: Naming;
  readonly database: PostgresDatabase;
  readonly topic: SnsTopic;
  /** Memory of the instance class, for the connection and memory thresholds. */
  readonly memoryGib: number;
  readonly allocatedStorageGb: number;
}

const GIB = 1024 ** 3;

export const RDS_EVENT_CATEGORIES = [
  'availability',
  'deletion',
  'failover',
  'failure',
  'low storage',
  'maintenance',
  'notification',
  'recovery',
  'restoration',
];

export class DatabaseAlarms extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const { naming, database, topic } = props;
    const dimensions = { DBInstanceIdentifier: database.identifier };
    const alarm = (
      name: string,
      description: string,
      spec: { metric: string; statistic: string; comparison: string; threshold: number; period: number; periods: number },
    ) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: naming.resource('postgres', name),
        alarmDescription: description,
        namespace: 'AWS/RDS',
        metricName: spec.metric,
        dimensions,
        statistic: spec.statistic,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        period: spec.period,
        evaluationPeriods: spec.periods,
        treatMissingData: 'missing',
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      });

    alarm('cpu', 'CPU above 80 % for 5 minutes', {
      metric: 'CPUUtilization',
      statistic: 'Average',
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      period: 60,
      periods: 5,
    });
    alarm('free-storage', 'Free storage below 10 % of the allocated storage', {
      metric: 'FreeStorageSpace',
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: Math.round(props.allocatedStorageGb * GIB * 0.1),
      period: 300,
      periods: 1,
    });
    const maxConnections = defaultMaxConnections(props.memoryGib);
    alarm('connections', `Connections above 80 % of the default max_connections (${maxConnections})`, {
      metric: 'DatabaseConnections',
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: Math.floor(maxConnections * 0.8),
      period: 60,
      periods: 5,
    });
    alarm('freeable-memory', 'Freeable memory below 10 % of the instance memory for 10 minutes', {
      metric: 'FreeableMemory',
      statistic: 'Average',
      comparison: 'LessThanThreshold',
      threshold: Math.round(props.memoryGib * GIB * 0.1),
      period: 300,
      periods: 2,
    });

    new DbEventSubscription(this, 'events', {
      name: naming.resource('postgres-events'),
      snsTopic: topic.arn,
      sourceType: 'db-instance',
      sourceIds: [database.identifier],
      eventCategories: RDS_EVENT_CATEGORIES,
      dependsOn: [database.instance],
    });
  }
}
