import { describe, expect, it } from 'vitest';
import { diffSynth } from '../../review/diff';
import { runGate } from '../../review/policy/gate';
import { renderReport } from '../../review/report';
import type { Synth } from '../../review/terraform';
import { WAIVERS } from '../../review/waivers';
import { at, contextOf, shipped } from './fixtures';

/** Staging, changed the way the issue asks: the database replaced, a new rule, an output removed. */
function changedStaging(): { base: Synth; head: Synth; db: string; rule: string } {
  const base = shipped('staging');
  const head = shipped('staging');
  const db = at(head, 'data', 'aws_db_instance', 'database/instance');
  db.body.identifier = 'drop-staging-postgres-2';
  head.data.resource!.aws_vpc_security_group_ingress_rule['database-from-office'] = {
    security_group_id: '${aws_security_group.compute-security-group.id}',
    description: 'PostgreSQL from the office',
    ip_protocol: 'tcp',
    from_port: 5432,
    to_port: 5432,
    cidr_ipv4: '0.0.0.0/0',
  };
  delete (head.data as any).output['database-address'];
  return { base, head, db: db.address, rule: 'aws_vpc_security_group_ingress_rule.database-from-office' };
}

describe('synth diff', () => {
  it('flags the database replacement, the new rule and the removed output', () => {
    // GIVEN two synths that differ by a replacement of the database, a new rule and a removed output
    const { base, head, db, rule } = changedStaging();
    // WHEN they are compared
    const diff = diffSynth(base, head);
    // THEN each is there, by address, with its risk
    expect(diff.changes).toEqual([
      expect.objectContaining({
        stack: 'data',
        address: db,
        kind: 'changed',
        attributes: ['identifier'],
        risks: [
          { kind: 'replace-stateful', message: expect.stringContaining('identifier: "drop-staging-postgres" → "drop-staging-postgres-2"') },
        ],
      }),
      expect.objectContaining({
        stack: 'data',
        address: rule,
        kind: 'added',
        risks: [{ kind: 'public-access', message: 'opens public access: ingress from 0.0.0.0/0' }],
      }),
    ]);
    expect(diff.outputs).toEqual([{ stack: 'data', name: 'database-address', kind: 'removed' }]);
  });

  it('recognises a moved construct as a replacement by its identifying name', () => {
    const base = shipped('production');
    const head = shipped('production');
    const db = at(head, 'data', 'aws_db_instance', 'database/instance');
    delete head.data.resource!.aws_db_instance[db.name];
    head.data.resource!.aws_db_instance.database_primary_12345678 = db.body;
    const removed = diffSynth(base, head).changes.find((c) => c.kind === 'removed')!;
    expect(removed).toMatchObject({ address: db.address, movedTo: 'aws_db_instance.database_primary_12345678' });
    expect(removed.risks[0]).toMatchObject({
      kind: 'replace-stateful',
      message: expect.stringContaining('"drop-production-postgres" moves to'),
    });
  });

  it('flags deleting a stateful resource, and turning off protection and encryption', () => {
    const base = shipped('production');
    const head = shipped('production');
    const db = at(head, 'data', 'aws_db_instance', 'database/instance');
    Object.assign(db.body, { deletion_protection: false, skip_final_snapshot: true, lifecycle: {} });
    delete at(head, 'data', 'aws_sns_topic', 'alarm-topic').body.kms_master_key_id;
    delete head.registry.resource!.aws_ecr_repository[at(head, 'registry', 'aws_ecr_repository', 'images/web').name];
    const risks = diffSynth(base, head).changes.flatMap((c) => c.risks.map((r) => `${r.kind}: ${r.message}`));
    expect(risks).toEqual(
      expect.arrayContaining([
        'protection-off: turns off deletion_protection',
        'protection-off: turns off lifecycle.prevent_destroy',
        'protection-off: turns off skip_final_snapshot = false',
        'encryption-off: turns off kms_master_key_id',
        'delete-stateful: deletes a stateful aws_ecr_repository "drop-production/web"',
      ]),
    );
  });

  it('finds no difference between two synths of the same tree', () => {
    expect(diffSynth(shipped('staging'), shipped('staging'))).toEqual({ changes: [], outputs: [] });
  });
});

describe('review report', () => {
  it('shows the risks, the changes, the removed output, the gate with its waivers, and the resources', () => {
    const { base, head, db, rule } = changedStaging();
    const report = renderReport({
      environment: 'staging',
      head,
      base: { ref: 'origin/main', commit: '72c919a0123456789', synth: base },
      diff: diffSynth(base, head),
      gate: runGate(head, contextOf('staging'), WAIVERS),
    });
    expect(report).toContain('## Review: staging');
    expect(report).toContain('Policy gate **fails**');
    expect(report).toContain('Against `origin/main` (72c919a01234): 1 added, 1 changed, 0 removed; 2 risk flags.');
    expect(report).toContain(`| ⚠️ replaces stateful resource | data | \`${db}\` |`);
    expect(report).toContain(`| ⚠️ opens public access | data | \`${rule}\` | opens public access: ingress from 0.0.0.0/0 |`);
    expect(report).toContain('| removed | data | `database-address` |');
    expect(report).toMatch(
      new RegExp(
        `\\| data \\| \`${rule.replace(/\./g, '\\.')}\` \\| sg-no-public-ingress \\(checkov CKV_AWS_24, [^|]*\\) \\| ingress from 0\\.0\\.0\\.0/0`,
      ),
    );
    expect(report).toContain('Waived (recorded in `review/waivers.ts`)');
    expect(report).toContain(`| rds-multi-az | data | \`${db}\` | Staging runs single-AZ by decision`);
    expect(report).toMatch(/<summary>data: \d+ resources<\/summary>[^]*\| aws_db_instance \| 1 \|/);
  });

  it('says when the base could not be synthesized instead of showing no changes', () => {
    const head = shipped('staging');
    const report = renderReport({
      environment: 'staging',
      head,
      base: { ref: 'main', error: 'Error: Cannot find module ./stacks\n  at main.ts:3' },
      gate: runGate(head, contextOf('staging'), WAIVERS),
    });
    expect(report).toContain('> **The base `main` could not be synthesized**');
    expect(report).toContain('> Error: Cannot find module ./stacks');
    expect(report).not.toContain('### Changes');
    expect(report).toContain('Policy gate passes');
  });
});
