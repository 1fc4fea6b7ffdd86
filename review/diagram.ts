/**
 * The architecture diagram, generated from the synthesized stacks as Mermaid (GitHub renders it
 * in the README and in pull-request comments): one box per stack with its main resources, the
 * contract values between stacks (SSM parameters, read with data sources), and the path of a
 * request from the edge to the origin, found by following Terraform references (through the
 * contract parameters across stacks). Pure: JSON in, text out.
 */
import { type Resource, type Synth, isInterpolation, referencesIn, resources } from './terraform';

interface NodeKind {
  /** The label of one resource; `undefined` folds every resource of the type into one counted node. */
  readonly label?: (body: Record<string, any>) => string;
  /** The label of the counted node. */
  readonly group?: string;
  readonly shape?: 'box' | 'database' | 'stadium';
}

/** The resource types the diagram shows, in order. Everything else is a detail of these. */
export const MAIN_TYPES: Readonly<Record<string, NodeKind>> = {
  cloudflare_zone_setting: { group: 'zone settings' },
  cloudflare_ruleset: { label: (b) => `ruleset ${b.phase}: ${b.name} (${(b.rules ?? []).length} rules)` },
  cloudflare_bot_management: { group: 'bot management' },
  cloudflare_dns_record: {
    // Records made per entry of a list (for_each) have no literal name: their comment says what they are.
    label: (b) =>
      isInterpolation(b.name)
        ? `DNS records, one per entry: ${String(b.comment ?? '').split(':')[0]}`
        : `DNS ${b.type} ${b.name}${b.proxied === true ? ' (proxied)' : ''}`,
  },
  cloudflare_workers_script: { label: (b) => `Worker ${b.script_name}`, shape: 'stadium' },
  cloudflare_healthcheck: { label: (b) => `health check ${b.http_config?.path ?? ''}` },
  aws_ecr_repository: { label: (b) => `ECR ${b.name}` },
  aws_iam_openid_connect_provider: { label: () => 'GitHub OIDC provider' },
  aws_apprunner_service: { label: (b) => `App Runner ${b.service_name}`, shape: 'stadium' },
  aws_secretsmanager_secret: { group: 'Secrets Manager secrets' },
  aws_vpc: { label: (b) => `VPC ${b.cidr_block}` },
  aws_nat_gateway: { group: 'NAT gateways' },
  aws_db_instance: {
    label: (b) => `RDS ${b.engine} ${b.engine_version} ${b.identifier}${b.multi_az === true ? ' Multi-AZ' : ''}`,
    shape: 'database',
  },
  aws_sns_topic: { label: (b) => `SNS ${b.name}` },
  aws_kms_key: { group: 'KMS keys' },
  aws_cloudwatch_metric_alarm: { group: 'CloudWatch alarms' },
};

const STACK_ORDER = ['edge', 'compute', 'data', 'registry'];

const id = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');
const quote = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function shape(nodeId: string, label: string, kind: NodeKind['shape']): string {
  if (kind === 'database') return `${nodeId}[(${quote(label)})]`;
  if (kind === 'stadium') return `${nodeId}([${quote(label)}])`;
  return `${nodeId}[${quote(label)}]`;
}

/** The node a resource is drawn as (its own, or its type's counted node). */
function nodeOf(r: Resource): string | undefined {
  const kind = MAIN_TYPES[r.type];
  if (!kind) return undefined;
  return kind.label ? id(r.stack, r.type, r.name) : id(r.stack, r.type);
}

/** `/drop/production/compute/web-dns-target` → producer stack, environment and contract key. */
function parameterOf(name: unknown): { environment: string; producer: string; key: string } | undefined {
  const match = /^\/[^/]+\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(String(name ?? ''));
  return match ? { environment: match[1], producer: match[2], key: camel(match[3]) } : undefined;
}

export interface DiagramOptions {
  /** The environment whose synth this is (contract values of other environments are marked). */
  readonly environment: string;
}

export function renderDiagram(synth: Synth, options: DiagramOptions): string {
  const all = resources(synth);
  const byAddress = new Map(all.map((r) => [`${r.stack} ${r.address}`, r]));
  const published = new Map(all.filter((r) => r.type === 'aws_ssm_parameter').map((r) => [String(r.body.name), r] as const));

  /** The main resources a value leads to, following references through other resources and contract parameters. */
  const reach = (stack: string, value: unknown, seen = new Set<string>()): Resource[] => {
    const found: Resource[] = [];
    for (const reference of referencesIn(value)) {
      const key = `${stack} ${reference.address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (reference.address.startsWith('data.aws_ssm_parameter.')) {
        const name = synth[stack].data?.aws_ssm_parameter?.[reference.address.split('.')[2]]?.name;
        const producer = published.get(String(name));
        if (producer) found.push(...reach(producer.stack, producer.body.value, seen));
        continue;
      }
      const target = byAddress.get(key);
      if (!target) continue;
      if (MAIN_TYPES[target.type]) found.push(target);
      else found.push(...reach(stack, target.body, seen));
    }
    return found;
  };

  const lines = ['flowchart LR', '  users([Users]) ==> edge_entry{{Cloudflare}}'];
  const stacks = [
    ...STACK_ORDER.filter((s) => synth[s]),
    ...Object.keys(synth)
      .filter((s) => !STACK_ORDER.includes(s))
      .sort(),
  ];

  for (const stack of stacks) {
    lines.push(`  subgraph ${id('stack', stack)}[${quote(stack)}]`);
    const counted = new Map<string, number>();
    for (const type of Object.keys(MAIN_TYPES)) {
      const kind = MAIN_TYPES[type];
      const ofType = all.filter((r) => r.stack === stack && r.type === type);
      if (ofType.length === 0) continue;
      if (!kind.label) {
        counted.set(type, ofType.length);
        lines.push(`    ${shape(id(stack, type), `${kind.group} ×${ofType.length}`, kind.shape)}`);
      } else for (const r of ofType) lines.push(`    ${shape(id(stack, type, r.name), kind.label(r.body), kind.shape)}`);
    }
    lines.push('  end');
  }

  // Contract values: producer stack → consumer stack, labelled with the keys.
  const contract = new Map<string, Set<string>>();
  for (const stack of stacks) {
    // One parameter read by name, or a producer's folder read for the names its postconditions require (consumeAcross).
    const names = [
      ...Object.values(synth[stack].data?.aws_ssm_parameter ?? {}).map((data) => data?.name),
      ...Object.values(synth[stack].data?.aws_ssm_parameters_by_path ?? {}).flatMap((data) =>
        [data?.lifecycle?.postcondition ?? []]
          .flat()
          .flatMap((check: { condition?: string }) =>
            [...String(check.condition ?? '').matchAll(/contains\(self\.names, "([^"]+)"\)/g)].map((m) => m[1]),
          ),
      ),
    ];
    for (const name of names) {
      const parameter = parameterOf(name);
      if (!parameter || parameter.producer === stack || !synth[parameter.producer]) continue;
      const edge = `${parameter.producer} ${stack}`;
      if (!contract.has(edge)) contract.set(edge, new Set());
      contract
        .get(edge)!
        .add(parameter.environment === options.environment ? parameter.key : `${parameter.key} (${parameter.environment})`);
    }
  }
  lines.push('  %% contract values (SSM parameters)');
  for (const [edge, keys] of [...contract].sort(([a], [b]) => a.localeCompare(b))) {
    const [producer, consumer] = edge.split(' ');
    if (!synth[producer]) continue;
    lines.push(`  ${id('stack', producer)} -.->|${quote([...keys].sort().join('<br>'))}| ${id('stack', consumer)}`);
  }

  // The request path: Cloudflare (rulesets) → DNS records / Worker → services → database.
  lines.push('  %% request path');
  const edges = new Set<string>();
  const link = (from: string | undefined, to: string | undefined, arrow = '==>') => {
    if (from && to && from !== to) edges.add(`  ${from} ${arrow} ${to}`);
  };
  const records = all.filter((r) => r.type === 'cloudflare_dns_record' && r.body.proxied === true);
  for (const ruleset of all.filter((r) => r.type === 'cloudflare_ruleset')) link('edge_entry', nodeOf(ruleset), '-->');
  for (const record of records) {
    link('edge_entry', nodeOf(record));
    for (const target of reach(record.stack, record.body.content)) link(nodeOf(record), nodeOf(target));
  }
  for (const route of all.filter((r) => r.type === 'cloudflare_workers_route')) {
    const host = String(route.body.pattern ?? '').split('/')[0];
    const from = records.find((r) => r.body.name === host);
    for (const script of reach(route.stack, route.body.script)) {
      if (from) link(nodeOf(from), nodeOf(script));
      const hosts = [script.body.bindings ?? []]
        .flat()
        .filter((b: any) => b.type === 'plain_text')
        .map((b: any) => b.text);
      for (const record of records.filter((r) => hosts.includes(r.body.name))) link(nodeOf(script), nodeOf(record));
    }
  }
  for (const check of all.filter((r) => r.type === 'cloudflare_healthcheck')) {
    for (const target of reach(check.stack, check.body.address)) link(nodeOf(check), nodeOf(target), '-.->');
  }
  for (const service of all.filter((r) => r.type === 'aws_apprunner_service')) {
    const image = service.body.source_configuration?.image_repository;
    for (const target of reach(service.stack, image?.image_configuration)) {
      if (target.type === 'aws_db_instance') link(nodeOf(service), nodeOf(target));
    }
    for (const target of reach(service.stack, image?.image_identifier)) link(nodeOf(target), nodeOf(service), '-.->|image|');
  }
  lines.push(...[...edges].sort());
  return `${lines.join('\n')}\n`;
}

/** The README shows the zone owner's environment: its edge stack holds every zone-wide rule. */
export const DIAGRAM_ENVIRONMENT = 'production';

export const DIAGRAM_START = '<!-- architecture-diagram:start (generated by npm run diagram; do not edit) -->';
export const DIAGRAM_END = '<!-- architecture-diagram:end -->';

/** The README with its generated diagram block replaced (or appended when it has none). */
export function withDiagram(readme: string, diagram: string, environment: string): string {
  const block = [
    DIAGRAM_START,
    '',
    `Generated from the synth of \`${environment}\` (the zone owner, so its edge stack shows every zone-wide rule).`,
    '',
    '```mermaid',
    diagram.trimEnd(),
    '```',
    '',
    DIAGRAM_END,
  ].join('\n');
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start >= 0 && end > start) return `${readme.slice(0, start)}${block}${readme.slice(end + DIAGRAM_END.length)}`;
  return `${readme.trimEnd()}\n\n${block}\n`;
}
