import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_END, DIAGRAM_ENVIRONMENT, DIAGRAM_START, renderDiagram, withDiagram } from '../../review/diagram';
import { at, shipped } from './fixtures';

const README = path.resolve(__dirname, '..', '..', 'README.md');
const node = (label: string, diagram: string) => {
  const line = diagram.split('\n').find((l) => l.includes(`"${label}"`));
  if (!line) throw new Error(`no node labelled ${label}`);
  return line.trim().split(/[[(]/)[0];
};

describe('architecture diagram', () => {
  const diagram = renderDiagram(shipped('production'), { environment: 'production' });

  it('is current in the README (run npm run diagram after changing a stack)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    expect(readme).toContain(DIAGRAM_START);
    expect(
      withDiagram(readme, renderDiagram(shipped(DIAGRAM_ENVIRONMENT), { environment: DIAGRAM_ENVIRONMENT }), DIAGRAM_ENVIRONMENT),
    ).toBe(readme);
  });

  it('draws each stack with its main resources', () => {
    for (const stack of ['edge', 'compute', 'data', 'registry']) expect(diagram).toContain(`subgraph stack_${stack}["${stack}"]`);
    expect(diagram).toContain('RDS postgres 16 drop-production-postgres Multi-AZ');
    expect(diagram).toContain('App Runner drop-production-api');
    expect(diagram).toContain('ECR drop-production/web');
    expect(diagram).toContain('ruleset http_request_firewall_managed: Managed WAF (2 rules)');
  });

  it("labels the contract values between stacks, marking another environment's", () => {
    expect(diagram).toMatch(/stack_data -\.->\|"[^"]*databaseAddress<br>[^"]*privateSubnetIds<br>[^"]*"\| stack_compute/);
    expect(diagram).toMatch(
      /stack_registry -\.->\|"apiRepositoryArn<br>apiRepositoryUrl<br>webRepositoryArn<br>webRepositoryUrl"\| stack_compute/,
    );
    expect(diagram).toMatch(/stack_data -\.->\|"[^"]*originVerifySecretArn \(staging\)[^"]*"\| stack_edge/);
  });

  it('follows the request from the proxied records through the contract to the services and the database', () => {
    const web = node('App Runner drop-production-web', diagram);
    const api = node('App Runner drop-production-api', diagram);
    const db = node('RDS postgres 16 drop-production-postgres Multi-AZ', diagram);
    const publicRecord = node('DNS CNAME getdrop.no (proxied)', diagram);
    const worker = node('Worker drop-production-api-path', diagram);
    expect(diagram).toContain(`${publicRecord} ==> ${web}`);
    expect(diagram).toContain(`${publicRecord} ==> ${worker}`);
    expect(diagram).toContain(`${worker} ==> ${node('DNS CNAME api.getdrop.no (proxied)', diagram)}`);
    expect(diagram).toContain(`${api} ==> ${db}`);
    expect(diagram).not.toContain(`${web} ==> ${db}`);
  });

  it('drops a record that is not proxied from the request path', () => {
    const synth = shipped('production');
    at(synth, 'edge', 'cloudflare_dns_record', 'dns/getdrop-no').body.proxied = false;
    const changed = renderDiagram(synth, { environment: 'production' });
    expect(changed).toContain('DNS CNAME getdrop.no"]');
    expect(changed).not.toMatch(/edge_entry ==> edge_cloudflare_dns_record_dns_getdrop_no_/);
    expect(diagram).toMatch(/edge_entry ==> edge_cloudflare_dns_record_dns_getdrop_no_/);
  });

  it('replaces only its own block in the README', () => {
    const readme = `# Title\n\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\n\n## After\n`;
    const updated = withDiagram(readme, 'flowchart LR\n  a --> b\n', 'production');
    expect(updated).toMatch(
      /^# Title\n\n<!-- architecture-diagram:start[^]*```mermaid\nflowchart LR\n {2}a --> b\n```\n\n<!-- architecture-diagram:end -->\n\n## After\n$/,
    );
    expect(withDiagram(updated, 'flowchart LR\n  a --> b\n', 'production')).toBe(updated);
  });
});
