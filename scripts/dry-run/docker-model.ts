/**
 * The dry run's docker: what the stand-in binary (scripts/dry-run/docker) forwards each call to.
 * No image is built; an image is a small JSON file with a fresh build id, so every build has a new
 * digest, as a real rebuild does (builds are not reproducible: timestamps, layer order). It keeps
 * one image store per runner (by $HOME) and pushes to the fake AWS's registries, where it behaves
 * as ECR does for the pipeline's repositories (immutable tags, scan on push):
 *
 *   docker buildx build [--load] --target <stage> [--build-arg K=V] [--tag <ref>] [--output type=docker,dest=<file>] .
 *   docker load --input <file>        docker tag <src> <dst>        docker push <registry>/<repository>:<tag>
 *
 * - a target stage the Dockerfile does not have fails as BuildKit does; the `test` stage's commands
 *   (the tests in the image) are not run: that stage is `npm test`, which this dry run is part of;
 * - pushing needs a login to the registry (aws-actions/amazon-ecr-login writes it to
 *   $HOME/.docker/config.json), an existing repository, and, for a tag that exists, the same
 *   digest: ECR refuses to overwrite a tag of an IMMUTABLE repository ("tag invalid: The image tag
 *   '<tag>' already exists in the '<repository>' repository and cannot be overwritten because the
 *   repository is immutable.").
 *
 * It leaves out layers, caches, platforms, multi-arch manifests, and scan findings (a pushed image
 * scans clean unless the dry run says otherwise).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FakeAws } from './fake-aws';

export interface DockerCall {
  readonly args: readonly string[];
  readonly status: number;
  readonly step?: string;
}

interface Answer {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/;

export const imageDigest = (content: string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

export class DockerModel {
  readonly calls: DockerCall[] = [];
  /** Image stores by runner home: reference → image file content. */
  private readonly stores = new Map<string, Map<string, string>>();

  constructor(private readonly aws: FakeAws) {}

  handle(request: { args: string[]; cwd: string; env: { HOME?: string; DRY_RUN_STEP?: string } }): Answer {
    let answer: Answer;
    try {
      answer = this.answer(request.args, request.cwd, request.env.HOME ?? '');
    } catch (error) {
      answer = { status: 1, stdout: '', stderr: `dry-run docker: ${(error as Error).message}\n` };
    }
    this.calls.push({ args: request.args, status: answer.status, step: request.env.DRY_RUN_STEP });
    return answer;
  }

  private answer(args: string[], cwd: string, home: string): Answer {
    const store = this.stores.get(home) ?? new Map<string, string>();
    this.stores.set(home, store);
    const ok = (stdout: string): Answer => ({ status: 0, stdout, stderr: '' });
    const fail = (stderr: string): Answer => ({ status: 1, stdout: '', stderr: `${stderr}\n` });
    const option = (name: string) => {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    };
    if (args[0] === 'buildx' && args[1] === 'build') {
      const target = option('--target');
      const dockerfile = path.join(cwd, option('--file') ?? option('-f') ?? 'Dockerfile');
      const stages = [...readFileSync(dockerfile, 'utf8').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1].toLowerCase());
      if (target && !stages.includes(target.toLowerCase()))
        return fail(`ERROR: failed to solve: target stage "${target}" could not be found`);
      if (target === 'test')
        return ok(`[dry run] stage "test" (the tests in the image) not run here: it is npm test, which runs this dry run\n`);
      const buildArgs = args.flatMap((a, i) => (args[i - 1] === '--build-arg' ? [a] : []));
      const tag = option('--tag') ?? option('-t');
      const content = JSON.stringify({ target, tag, buildArgs, build: randomUUID() });
      const output = option('--output');
      const dest = /(?:^|,)dest=([^,]+)/.exec(output ?? '')?.[1];
      if (output && !dest) return fail(`ERROR: the dry run models --output type=docker,dest=<file> only, not ${output}`);
      if (dest) writeFileSync(path.resolve(cwd, dest), content);
      else if (tag) store.set(tag, content);
      return ok(
        `[dry run] built ${target ?? 'the last stage'} ${tag ?? ''} (${imageDigest(content).slice(0, 19)}…)${dest ? ` into ${dest}` : ''}\n`,
      );
    }
    if (args[0] === 'load') {
      const file = option('--input') ?? option('-i');
      if (!file || !existsSync(path.resolve(cwd, file))) return fail(`open ${file}: no such file or directory`);
      const content = readFileSync(path.resolve(cwd, file), 'utf8');
      const { tag } = JSON.parse(content) as { tag?: string };
      if (!tag) return fail('dry-run docker: the image file has no tag');
      store.set(tag, content);
      return ok(`Loaded image: ${tag}\n`);
    }
    if (args[0] === 'tag') {
      const content = store.get(args[1]);
      if (!content) return fail(`Error response from daemon: No such image: ${args[1]}`);
      store.set(args[2], content);
      return ok('');
    }
    if (args[0] === 'push') {
      const reference = args[1];
      const m = /^([^/]+)\/(.+):([^:/]+)$/.exec(reference ?? '');
      if (!m) return fail(`invalid reference format: ${reference}`);
      const [, host, repository, tag] = m;
      const registry = ECR_HOST.exec(host);
      if (!registry) return fail(`dry-run docker: ${host} is not an ECR registry`);
      const config = path.join(home, '.docker', 'config.json');
      const auths = existsSync(config) ? (JSON.parse(readFileSync(config, 'utf8')).auths ?? {}) : {};
      if (!(host in auths)) return fail(`${reference}: no basic auth credentials`);
      const content = store.get(reference);
      if (!content) return fail(`An image does not exist locally with the tag: ${reference}`);
      const images = this.aws.state.images.get(repository);
      if (!images)
        return fail(`name unknown: The repository with name '${repository}' does not exist in the registry with id '${registry[1]}'`);
      const digest = imageDigest(content);
      const existing = images.find((image) => image.tag === tag);
      if (existing && existing.digest !== digest) {
        return fail(
          `tag invalid: The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`,
        );
      }
      if (!existing) this.aws.pushImage(repository, tag, {}, digest);
      return ok(`The push refers to repository [${host}/${repository}]\n${tag}: digest: ${digest} size: ${content.length}\n`);
    }
    return fail(`dry-run docker: "docker ${args.join(' ')}" is not a command the stand-in knows`);
  }
}
