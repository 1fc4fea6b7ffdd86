/** Project rules: the state backend, Cloudflare TLS and WAF, origin records, plaintext secrets. */
import { type Synth, interpolations, isInterpolation, resources, walkStrings } from '../../terraform';
import { type Rule, type RawFinding, finding, perResource, isTrue } from './kit';
const TLS_SETTINGS: Record<string, (value: any) => string | undefined> = {
  ssl: (v) => (v === 'strict' || v === 'strict_origin_pull' ? undefined : `ssl is ${JSON.stringify(v)}, expected "strict" (Full (strict))`),
  always_use_https: (v) => (v === 'on' ? undefined : `always_use_https is ${JSON.stringify(v)}`),
  min_tls_version: (v) => (['1.2', '1.3'].includes(String(v)) ? undefined : `min_tls_version is ${JSON.stringify(v)}, expected 1.2 or 1.3`),
  tls_1_3: (v) => (v === 'on' || v === 'zrt' ? undefined : `tls_1_3 is ${JSON.stringify(v)}`),
  security_header: (v) => {
    const hsts = v?.strict_transport_security;
    if (!isTrue(hsts?.enabled)) return 'HSTS is not enabled';
    return Number(hsts.max_age) < 15552000 ? `HSTS max_age is ${hsts.max_age} s, expected at least 6 months (15552000)` : undefined;
  },
};

/** Cloudflare managed rulesets the zone owner must execute. */
export const REQUIRED_WAF_RULESETS = {
  efb7b8c949ac4650a09736fc376e9aee: 'Cloudflare Managed Ruleset',
  '4814384a9e5d4991b9815dcfc25d2f1f': 'Cloudflare OWASP Core Ruleset',
} as const;

const SECRET_KEY = /(^|_)(password|passwd|secret|secret_key|token|api_key|apikey|private_key|access_key|client_secret|credentials?)$/i;
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'a private key'],
  [/\b(ghp|gho|ghs|ghu)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bsk_live_[A-Za-z0-9]{16,}/, 'a Stripe live key'],
];
/** Attributes that name or point at a secret rather than hold one. */
const SECRET_POINTERS = /(_arn|_id|_ids|_name|secret_string_wo_version|manage_master_user_password|_kms_key_id|_secrets)$/i;
const readsSecretValue = (text: string) =>
  interpolations(text).some((expr) =>
    /\baws_secretsmanager_secret_version\.[A-Za-z0-9_-]+\.secret_(string|binary)\b|\brandom_password\.[A-Za-z0-9_-]+\.result\b/.test(expr),
  );

function plaintextSecrets(synth: Synth): RawFinding[] {
  const found: RawFinding[] = [];
  const add = (stack: string, address: string, message: string) => found.push({ stack, address, message });
  for (const stack of Object.keys(synth).sort()) {
    const json = synth[stack];
    const scan = (address: string, value: unknown, where: { environment?: boolean } = {}) =>
      walkStrings(value, (text, path) => {
        const key =
          path
            .split(/[.[\]]/)
            .filter(Boolean)
            .pop() ?? '';
        for (const [pattern, what] of SECRET_PATTERNS) if (pattern.test(text)) add(stack, address, `${path} holds ${what}`);
        const secretish = SECRET_KEY.test(key) && !SECRET_POINTERS.test(key) && !/^\d+$/.test(key);
        if (secretish && text !== '' && !isInterpolation(text) && !/^(true|false)$/.test(text))
          add(stack, address, `${path} is a literal value`);
        if (where.environment && readsSecretValue(text))
          add(stack, address, `${path} puts a secret value into plain configuration: inject it as a secret instead`);
      });
    for (const r of resources({ [stack]: json })) {
      const body = { ...r.body };
      scan(r.address, body);
      // Plain (not secret) configuration channels: a secret value there is readable by anyone who can describe the resource.
      for (const path of [
        'source_configuration.image_repository.image_configuration.runtime_environment_variables',
        'environment.variables',
        'environment',
      ]) {
        const value = path.split('.').reduce<any>((v, k) => (Array.isArray(v) ? v[0] : v)?.[k], body);
        if (value && typeof value === 'object') scan(`${r.address}`, value, { environment: true });
      }
      if (r.type === 'aws_ssm_parameter' && r.body.type !== 'SecureString' && readsSecretValue(String(r.body.value ?? '')))
        add(stack, r.address, 'a String SSM parameter holds a secret value: use SecureString or publish the secret ARN');
      if (r.type === 'cloudflare_workers_script') {
        for (const binding of [r.body.bindings ?? []].flat()) {
          if (binding.type === 'plain_text' && readsSecretValue(String(binding.text ?? '')))
            add(stack, r.address, `binding ${binding.name} is plain_text but holds a secret: use secret_text`);
        }
      }
    }
    for (const [name, provider] of Object.entries(json.provider ?? {})) scan(`provider.${name}`, provider);
    for (const [name, variable] of Object.entries(json.variable ?? {}))
      scan(`var.${name}`, { default: variable?.default, [name]: variable?.default });
    for (const [name, output] of Object.entries(json.output ?? {})) {
      if (!isTrue(output?.sensitive) && readsSecretValue(JSON.stringify(output?.value ?? '')))
        add(stack, `output.${name}`, 'prints a secret value: mark it sensitive or output the ARN');
    }
  }
  return found;
}

export const projectRules: Rule[] = [
  {
    id: 'state-backend-encrypted',
    title: 'Remote state is encrypted at rest (no state bucket is created by these stacks; the backend is checked instead)',
    mirrors: ['own', 'checkov CKV_AWS_19 (for a state bucket)'],
    fix: 'Set encrypt = true (and a kms_key_id) on the S3 backend, or use Terraform Cloud.',
    check: (synth) =>
      Object.keys(synth)
        .sort()
        .flatMap((stack) => {
          const s3 = synth[stack].terraform?.backend?.s3;
          return s3 && !isTrue(s3.encrypt) && !s3.kms_key_id
            ? [{ stack, address: 'terraform.backend.s3', message: 'the S3 backend does not set encrypt = true' }]
            : [];
        }),
  },
  {
    id: 'cloudflare-tls',
    title: 'The zone serves HTTPS only with Full (strict) TLS to the origin, TLS 1.2 minimum, TLS 1.3 and HSTS',
    mirrors: ['own'],
    fix: "Keep ZoneSettings in the zone owner's edge stack with its defaults.",
    check: (synth, context) => {
      const settings = resources(synth, 'cloudflare_zone_setting');
      const wrong = settings.flatMap((s) => {
        const test = TLS_SETTINGS[s.body.setting_id];
        const problem = test?.(s.body.value);
        return problem ? [finding(s, problem)] : [];
      });
      if (!context.zoneOwner || !synth.edge) return wrong;
      const present = new Set(settings.filter((s) => s.stack === 'edge').map((s) => s.body.setting_id));
      const missing = Object.keys(TLS_SETTINGS).filter((id) => !present.has(id));
      return [
        ...wrong,
        ...(missing.length
          ? [
              {
                stack: 'edge',
                address: 'cloudflare_zone_setting',
                message: `the zone owner sets no ${missing.join(', ')}: Cloudflare's defaults apply (ssl "full" does not verify the origin certificate)`,
              },
            ]
          : []),
      ];
    },
  },
  {
    id: 'cloudflare-waf',
    title: 'The zone runs the Cloudflare Managed and OWASP Core rulesets',
    mirrors: ['own'],
    fix: "Keep ManagedWaf in the zone owner's edge stack; do not disable its rules.",
    check: (synth, context) => {
      const managed = resources(synth, 'cloudflare_ruleset').filter((r) => r.body.phase === 'http_request_firewall_managed');
      const problems: RawFinding[] = [];
      for (const ruleset of managed) {
        for (const rule of ruleset.body.rules ?? []) {
          const id = rule.action_parameters?.id as keyof typeof REQUIRED_WAF_RULESETS;
          if (REQUIRED_WAF_RULESETS[id] && (rule.enabled === false || rule.action !== 'execute'))
            problems.push(
              finding(ruleset, `${REQUIRED_WAF_RULESETS[id]} is not executed (enabled ${rule.enabled}, action ${rule.action})`),
            );
          if (REQUIRED_WAF_RULESETS[id] && rule.action_parameters?.overrides?.enabled === false)
            problems.push(finding(ruleset, `${REQUIRED_WAF_RULESETS[id]} is overridden to disabled`));
        }
      }
      if (context.zoneOwner && synth.edge) {
        const executed = new Set(
          managed.flatMap((r) =>
            (r.body.rules ?? [])
              .filter((rule: any) => rule.enabled !== false && rule.action === 'execute')
              .map((rule: any) => rule.action_parameters?.id),
          ),
        );
        const missing = Object.entries(REQUIRED_WAF_RULESETS)
          .filter(([id]) => !executed.has(id))
          .map(([, name]) => name);
        if (missing.length > 0)
          problems.push({
            stack: 'edge',
            address: 'cloudflare_ruleset',
            message: `the zone owner does not execute ${missing.join(' and ')} in http_request_firewall_managed`,
          });
      }
      return problems;
    },
  },
  perResource(
    {
      id: 'cloudflare-origin-proxied',
      title: 'Hostnames that point at the origin go through Cloudflare (proxied), so the WAF sees them',
      mirrors: ['own'],
      fix: 'Set proxied = true and ttl = 1 on the record (OriginDns does for domains.public and domains.apiOrigin).',
    },
    ['cloudflare_dns_record', 'cloudflare_record'],
    (b) =>
      ['A', 'AAAA', 'CNAME'].includes(b.type) && !String(b.name ?? '').startsWith('_') && !isTrue(b.proxied)
        ? `${b.type} ${b.name} is not proxied: it bypasses the WAF and exposes the origin`
        : undefined,
  ),
  {
    id: 'no-plaintext-secrets',
    title: 'No secret value in the synthesized configuration, in plain settings or in outputs',
    mirrors: ['own', 'checkov CKV_SECRET_2', 'checkov CKV_SECRET_13', 'checkov CKV_AWS_41', 'checkov CKV_AWS_45'],
    fix: 'Keep the value in Secrets Manager; pass its ARN, inject it as a secret (runtime_environment_secrets, secret_text binding), mark outputs sensitive.',
    check: plaintextSecrets,
  },
];
