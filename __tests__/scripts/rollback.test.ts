import { AppRunnerClient, DescribeServiceCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-apprunner';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Naming } from '../../constructs/naming';
import { RollbackError, currentVariables, parseCommandLine, parseImageIdentifier, rollback } from '../../scripts/rollback';

const apprunner = mockClient(AppRunnerClient);
const ecr = mockClient(ECRClient);
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const naming = new Naming({ project: 'drop', name: 'production' });

function running(images: Record<'api' | 'web', string>) {
  apprunner.on(ListServicesCommand).resolves({
    ServiceSummaryList: [
      { ServiceName: 'drop-production-web', ServiceArn: 'arn:web' },
      { ServiceName: 'drop-production-api', ServiceArn: 'arn:api' },
    ],
  });
  for (const service of ['api', 'web'] as const) {
    apprunner.on(DescribeServiceCommand, { ServiceArn: `arn:${service}` }).resolves({
      Service: { SourceConfiguration: { ImageRepository: { ImageIdentifier: `${REGISTRY}/drop-production/${service}:${images[service]}`, ImageRepositoryType: 'ECR' } } } as never,
    });
  }
}

function pushed(service: string, images: { tag: string; day: number; critical?: number }[]) {
  ecr.on(DescribeImagesCommand, { repositoryName: `drop-production/${service}` }).resolves({
    imageDetails: images.map((image) => ({
      imageTags: [image.tag],
      imageDigest: `sha256:${image.tag}`,
      imagePushedAt: new Date(Date.UTC(2026, 10, image.day)),
      imageScanFindingsSummary: { findingSeverityCounts: image.critical ? { CRITICAL: image.critical } : {} },
    })),
  });
}

function deps() {
  const runs: { command: string; args: string[] }[] = [];
  const lines: string[] = [];
  return {
    runs,
    lines,
    deps: {
      apprunner: new AppRunnerClient({ region: 'eu-west-1' }),
      ecr: new ECRClient({ region: 'eu-west-1' }),
      naming,
      run: (command: string, args: string[]) => (runs.push({ command, args }), 0),
      log: (line: string) => lines.push(line),
    },
  };
}

describe('rollback', () => {
  beforeEach(() => {
    apprunner.reset();
    ecr.reset();
  });

  it('redeploys the previous image of each service through Terraform', async () => {
    running({ api: 'c3', web: 'c3' });
    pushed('api', [{ tag: 'c1', day: 1 }, { tag: 'c3', day: 3 }, { tag: 'c2', day: 2 }]);
    pushed('web', [{ tag: 'c2', day: 2 }, { tag: 'c3', day: 3 }]);
    const { deps: d, runs } = deps();
    const plan = await rollback(d, { services: ['api', 'web'], via: 'terraform', dryRun: false });
    expect(plan.images).toEqual({ web: { from: 'c3', to: 'c2' }, api: { from: 'c3', to: 'c2' } });
    expect(runs).toEqual([{ command: 'npx', args: ['cdktf', 'deploy', 'compute', '--auto-approve', '--var=web_image=c2', '--var=api_image=c2'] }]);
  });

  it('skips images the scan gate would have blocked', async () => {
    running({ api: 'c3', web: 'c3' });
    pushed('api', [{ tag: 'c1', day: 1 }, { tag: 'c2', day: 2, critical: 1 }, { tag: 'c3', day: 3 }]);
    const { deps: d, runs } = deps();
    await rollback(d, { services: ['api'], via: 'terraform', dryRun: false });
    expect(runs[0].args).toEqual(['cdktf', 'deploy', 'compute', '--auto-approve', '--var=web_image=c3', '--var=api_image=c1']);
  });

  it('goes to the image named with --to', async () => {
    running({ api: 'c3', web: 'c3' });
    const { deps: d, runs } = deps();
    await rollback(d, { services: ['web'], to: 'c0', via: 'terraform', dryRun: false });
    expect(runs[0].args.slice(-2)).toEqual(['--var=web_image=c0', '--var=api_image=c3']);
  });

  it('only reports what it would do on a dry run', async () => {
    running({ api: 'c2', web: 'c2' });
    pushed('api', [{ tag: 'c1', day: 1 }, { tag: 'c2', day: 2 }]);
    pushed('web', [{ tag: 'c1', day: 1 }, { tag: 'c2', day: 2 }]);
    const { deps: d, runs, lines } = deps();
    await rollback(d, { services: ['api', 'web'], via: 'terraform', dryRun: true });
    expect(runs).toEqual([]);
    expect(lines).toEqual(['web: c2 -> c1', 'api: c2 -> c1']);
  });

  it('takes the spec\'s direct App Runner path when asked', async () => {
    running({ api: 'c2', web: 'c2' });
    pushed('api', [{ tag: 'c1', day: 1 }, { tag: 'c2', day: 2 }]);
    apprunner.on(UpdateServiceCommand).resolves({});
    const { deps: d, runs } = deps();
    await rollback(d, { services: ['api'], via: 'apprunner', dryRun: false });
    expect(runs).toEqual([]);
    expect(apprunner.commandCalls(UpdateServiceCommand)[0].args[0].input).toEqual({
      ServiceArn: 'arn:api',
      SourceConfiguration: { ImageRepository: { ImageIdentifier: `${REGISTRY}/drop-production/api:c1`, ImageRepositoryType: 'ECR' } },
    });
  });

  it('prints the running images as Terraform variables', async () => {
    running({ api: 'c7', web: 'c6' });
    expect(await currentVariables(new AppRunnerClient({ region: 'eu-west-1' }), naming)).toEqual(['web_image=c6', 'api_image=c7']);
  });

  it('fails when there is nothing older to go back to', async () => {
    running({ api: 'c1', web: 'c1' });
    pushed('web', [{ tag: 'c1', day: 1 }]);
    const { deps: d } = deps();
    await expect(rollback(d, { services: ['web'], via: 'terraform', dryRun: false })).rejects.toThrow(
      'drop-production/web has no image older than c1 that passed the scan gate',
    );
  });

  it('fails when the service does not exist', async () => {
    apprunner.on(ListServicesCommand).resolves({ ServiceSummaryList: [] });
    const { deps: d } = deps();
    await expect(rollback(d, { services: ['api'], via: 'terraform', dryRun: false })).rejects.toThrow('No App Runner service named drop-production-web');
  });

  it('fails when the deploy fails', async () => {
    running({ api: 'c2', web: 'c2' });
    const { deps: d } = deps();
    await expect(
      rollback({ ...d, run: () => 1 }, { services: ['api'], to: 'c1', via: 'terraform', dryRun: false }),
    ).rejects.toThrow('cdktf deploy compute exited 1');
  });
});

describe('the rollback command line', () => {
  it('reads tags and digests from image identifiers', () => {
    expect(parseImageIdentifier(`${REGISTRY}/drop-production/api:3f2a9c1`)).toEqual({ repositoryUri: `${REGISTRY}/drop-production/api`, reference: '3f2a9c1' });
    expect(parseImageIdentifier(`${REGISTRY}/drop-production/api@sha256:abc`)).toEqual({ repositoryUri: `${REGISTRY}/drop-production/api`, reference: 'sha256:abc' });
    expect(() => parseImageIdentifier(`${REGISTRY}/drop-production/api`)).toThrow(RollbackError);
  });

  it('refuses an unknown service or way', () => {
    expect(() => parseCommandLine(['--service', 'db'])).toThrow('--service db is not a service; expected web, api');
    expect(() => parseCommandLine(['--via', 'kubectl'])).toThrow('--via kubectl is not a way to roll back; expected terraform or apprunner');
  });
});
