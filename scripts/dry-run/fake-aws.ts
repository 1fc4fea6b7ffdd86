/**
 * A loopback stand-in for the few AWS APIs the pipeline's scripts call, speaking the JSON wire
 * protocols of the real SDK clients (point them at it with AWS_ENDPOINT_URL, which SDK v3
 * honours): SSM parameters with their version history, ECR images and scan findings, CloudWatch
 * alarms. Every call is recorded. An operation it does not know answers 400
 * UnknownOperationException, so a script that starts calling something new fails the dry run
 * instead of passing by accident. Signatures are not checked.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Parameter {
  version: number;
  value: string;
  description?: string;
  modified: Date;
}

export interface Image {
  tag: string;
  digest: string;
  pushedAt: Date;
  /** Severity counts of the finished scan; `undefined` while the scan runs. */
  findings?: Record<string, number>;
}

export interface Alarm {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason?: string;
}

export interface Call {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** The access key id the request was signed with: the dry run's stand-in for the assumed role. */
  readonly accessKeyId?: string;
}

export interface FakeAwsState {
  parameters: Map<string, Parameter[]>;
  /** By repository name, e.g. `drop-staging/api`. */
  images: Map<string, Image[]>;
  alarms: Alarm[];
}

/** The digest a tag gets in the fake registries (stable, so tests can predict pointer values). */
export function fakeDigest(repository: string, tag: string): string {
  return `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const seconds = (date: Date) => date.getTime() / 1000;

export class FakeAws {
  readonly state: FakeAwsState = { parameters: new Map(), images: new Map(), alarms: [] };
  readonly calls: Call[] = [];
  /** Extra routes (not AWS), e.g. the terraform stand-in's deploy hook: path -> handler. */
  readonly routes = new Map<string, (body: Record<string, unknown>) => Promise<unknown>>();
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Adds an image (scanned on push: `findings`, or `undefined` while the scan runs); the digest defaults to fakeDigest. */
  pushImage(
    repository: string,
    tag: string,
    findings: Record<string, number> | undefined = {},
    digest = fakeDigest(repository, tag),
  ): Image {
    const image = { tag, digest, pushedAt: new Date(), findings };
    this.state.images.set(repository, [...(this.state.images.get(repository) ?? []), image]);
    return image;
  }

  putParameter(name: string, value: string, description?: string): number {
    const versions = this.state.parameters.get(name) ?? [];
    const version = versions.length + 1;
    versions.push({ version, value, description: description ?? versions.at(-1)?.description, modified: new Date() });
    this.state.parameters.set(name, versions);
    return version;
  }

  /** The current value of a parameter. */
  parameter(name: string): string | undefined {
    return this.state.parameters.get(name)?.at(-1)?.value;
  }

  callsOf(operation: string): Call[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const route = this.routes.get(request.url ?? '');
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = route ? `route ${request.url}` : target;
    const accessKeyId = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    this.calls.push({ operation, input: body, accessKeyId });
    try {
      const output = route ? await route(body) : this.operate(target, body);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(output ?? {}));
    } catch (error) {
      const type = error instanceof AwsError ? error.type : 'InternalFailure';
      response
        .writeHead(error instanceof AwsError ? 400 : 500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type })
        .end(JSON.stringify({ __type: type, message: (error as Error).message }));
    }
  }

  private operate(target: string, input: Record<string, unknown>): unknown {
    const [, operation] = target.split('.');
    const service = target.split('.')[0];
    const key = `${service === 'AmazonSSM' ? 'ssm' : service.startsWith('AmazonEC2ContainerRegistry') ? 'ecr' : service.startsWith('GraniteService') ? 'cloudwatch' : service}:${operation}`;
    switch (key) {
      case 'ssm:GetParameterHistory': {
        const versions = this.state.parameters.get(String(input.Name));
        if (!versions) throw new AwsError('ParameterNotFound', `Parameter ${String(input.Name)} not found.`);
        return {
          Parameters: versions.map((p) => ({
            Name: input.Name,
            Type: 'String',
            Value: p.value,
            Version: p.version,
            Description: p.description,
            LastModifiedDate: seconds(p.modified),
          })),
        };
      }
      case 'ssm:PutParameter': {
        const name = String(input.Name);
        if (this.state.parameters.has(name) && !input.Overwrite) {
          throw new AwsError('ParameterAlreadyExists', `The parameter ${name} already exists.`);
        }
        return { Version: this.putParameter(name, String(input.Value), input.Description as string | undefined), Tier: 'Standard' };
      }
      case 'ecr:DescribeImages': {
        const images = this.repository(String(input.repositoryName));
        const ids = (input.imageIds as Array<{ imageTag?: string; imageDigest?: string }> | undefined) ?? [];
        const found =
          ids.length === 0
            ? images
            : images.filter((image) => ids.some((id) => id.imageTag === image.tag || id.imageDigest === image.digest));
        if (ids.length > 0 && found.length === 0) {
          throw new AwsError(
            'ImageNotFoundException',
            `The image with imageId ${JSON.stringify(ids[0])} does not exist within the repository with name '${String(input.repositoryName)}'`,
          );
        }
        return {
          imageDetails: found.map((image) => ({
            repositoryName: input.repositoryName,
            imageDigest: image.digest,
            imageTags: [image.tag],
            imagePushedAt: seconds(image.pushedAt),
            imageScanStatus: { status: image.findings ? 'COMPLETE' : 'IN_PROGRESS' },
            imageScanFindingsSummary: image.findings ? { findingSeverityCounts: image.findings } : undefined,
          })),
        };
      }
      case 'ecr:DescribeImageScanFindings': {
        const id = input.imageId as { imageTag?: string; imageDigest?: string };
        const image = this.repository(String(input.repositoryName)).find((i) => i.tag === id.imageTag || i.digest === id.imageDigest);
        if (!image) throw new AwsError('ImageNotFoundException', `The image with imageId ${JSON.stringify(id)} does not exist`);
        return {
          repositoryName: input.repositoryName,
          imageId: { imageDigest: image.digest, imageTag: image.tag },
          imageScanStatus: {
            status: image.findings ? 'COMPLETE' : 'IN_PROGRESS',
            description: image.findings ? 'The scan was completed successfully.' : 'Scanning',
          },
          imageScanFindings: image.findings ? { findingSeverityCounts: image.findings, findings: [] } : undefined,
        };
      }
      case 'cloudwatch:DescribeAlarms': {
        const prefix = String(input.AlarmNamePrefix ?? '');
        const alarms = this.state.alarms.filter((a) => a.name.startsWith(prefix) && (!input.StateValue || a.state === input.StateValue));
        return {
          MetricAlarms: alarms.map((a) => ({
            AlarmName: a.name,
            StateValue: a.state,
            StateReason: a.reason ?? `state ${a.state}`,
            StateUpdatedTimestamp: seconds(new Date()),
          })),
          CompositeAlarms: [],
        };
      }
      default:
        throw new AwsError('UnknownOperationException', `The dry run's fake AWS does not implement ${target || '(no X-Amz-Target)'}`);
    }
  }

  private repository(name: string): Image[] {
    const images = this.state.images.get(name);
    if (!images) throw new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry`);
    return images;
  }
}
