import { DbEventSubscription } from '@cdktf/provider-aws/lib/db-event-subscription';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DatabaseAlarms, RDS_EVENT_CATEGORIES } from '../../constructs/database-alarms';
import { defaultMaxConnections } from '../../constructs/rds-instance-classes';
import { databaseStack } from './database-fixture';

const GIB = 1024 ** 3;

/** GIVEN a stack with a database (what the alarms watch) and a topic, and the alarms of a 4 GiB, 100 GB instance; WHEN synthesized. */
function alarmsInStack() {
  const { stack, naming, database } = databaseStack({ instanceClass: 'db.t3.medium', allocatedStorageGb: 100 });
  const topic = new SnsTopic(stack, 'topic', { name: 'drop-staging-alarms' });
  new DatabaseAlarms(stack, 'database-alarms', { naming, database, topic, memoryGib: 4, allocatedStorageGb: 100 });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

describe('DatabaseAlarms', () => {
  const { json, parsed } = alarmsInStack();
  const [instance] = Object.keys(parsed.resource.aws_db_instance);
  const alarms = Object.fromEntries(
    Object.values<any>(parsed.resource.aws_cloudwatch_metric_alarm).map((a) => [a.alarm_name.replace('drop-staging-postgres-', ''), a]),
  );

  it('watches the instance by its identifier, notifying the topic on alarm and on OK, missing data left as missing', () => {
    expect(Object.keys(alarms).sort()).toEqual(['connections', 'cpu', 'free-storage', 'freeable-memory']);
    for (const alarm of Object.values<any>(alarms)) {
      expect(alarm).toMatchObject({
        namespace: 'AWS/RDS',
        dimensions: { DBInstanceIdentifier: 'drop-staging-postgres' },
        alarm_actions: ['${aws_sns_topic.topic.arn}'],
        ok_actions: ['${aws_sns_topic.topic.arn}'],
        treat_missing_data: 'missing',
      });
    }
  });

  it('alarms on average CPU above 80 % for 5 minutes', () => {
    expect(alarms.cpu).toMatchObject({
      metric_name: 'CPUUtilization',
      statistic: 'Average',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 80,
      period: 60,
      evaluation_periods: 5,
    });
  });

  it('alarms on free storage below 10 % of the allocated storage', () => {
    expect(alarms['free-storage']).toMatchObject({
      metric_name: 'FreeStorageSpace',
      statistic: 'Minimum',
      comparison_operator: 'LessThanThreshold',
      threshold: 10 * GIB,
      period: 300,
      evaluation_periods: 1,
    });
  });

  it("alarms on connections above 80 % of the instance memory's default max_connections for 5 minutes", () => {
    expect(alarms.connections).toMatchObject({
      metric_name: 'DatabaseConnections',
      statistic: 'Maximum',
      comparison_operator: 'GreaterThanThreshold',
      threshold: Math.floor(defaultMaxConnections(4) * 0.8),
      period: 60,
      evaluation_periods: 5,
    });
    expect(alarms.connections.alarm_description).toBe(
      `Connections above 80 % of the default max_connections (${defaultMaxConnections(4)})`,
    );
  });

  it('alarms on freeable memory below 10 % of the instance memory for 10 minutes', () => {
    expect(alarms['freeable-memory']).toMatchObject({
      metric_name: 'FreeableMemory',
      statistic: 'Average',
      comparison_operator: 'LessThanThreshold',
      threshold: Math.round(0.4 * GIB),
      period: 300,
      evaluation_periods: 2,
    });
  });

  it("subscribes the topic to the instance's failover, failure, storage and maintenance events, once the instance exists", () => {
    expect(json).toHaveResourceWithProperties(DbEventSubscription, {
      name: 'drop-staging-postgres-events',
      sns_topic: '${aws_sns_topic.topic.arn}',
      source_type: 'db-instance',
      source_ids: ['drop-staging-postgres'],
      event_categories: RDS_EVENT_CATEGORIES,
      depends_on: [`aws_db_instance.${instance}`],
    });
    expect(RDS_EVENT_CATEGORIES).toEqual(expect.arrayContaining(['failover', 'failure', 'low storage', 'maintenance']));
  });
});
