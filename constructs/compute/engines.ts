/**
 * What each compute engine can run. The engines' constructors refuse anything else, and the
 * configuration's cross-field rules call the same `problems` functions, so an impossible service
 * stops synth before anything is written, with the same message. Facts from the AWS App Runner documentation and, for ECS
 * Express Mode, the Fargate task sizes and the limits of `aws_ecs_express_gateway_service`
 * (hashicorp/aws 6.25 documentation: cpu 256 to 4096 units, memory 512 to 8192 MiB), November 2026.
 */
import type { Problem } from '../validation';

/** The engines behind the one service interface (`service.ts`). */
export const COMPUTE_ENGINES = ['app-runner', 'ecs-express'] as const;
export type ComputeEngine = (typeof COMPUTE_ENGINES)[number];

/**
 * Express services run in the account's `default` cluster (Express Mode creates it with Fargate).
 * Here rather than in ecs-express-service.ts so that scripts/lib/ecs.ts reads it without cdktf.
 */
export const ECS_EXPRESS_CLUSTER = 'default';

/** What the engine checks of a service's props: where it runs and how big it is. */
export interface EngineSizing {
  readonly region: string;
  /** vCPU per instance. */
  readonly cpu: number;
  readonly memoryGb: number;
  readonly scaling: { readonly concurrency: number };
}

/** vCPU sizes, each with the memory sizes (GB) that go with it. */
export type Sizes = ReadonlyArray<{ readonly cpu: number; readonly memoryGb: readonly number[] }>;

/** Regions where AWS App Runner is offered (not eu-north-1). */
export const APP_RUNNER_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
] as const;

/** The vCPU sizes App Runner offers, each with the memory sizes (GB) it goes with. */
export const APP_RUNNER_SIZES: Sizes = [
  { cpu: 0.25, memoryGb: [0.5, 1] },
  { cpu: 0.5, memoryGb: [1] },
  { cpu: 1, memoryGb: [2, 3, 4] },
  { cpu: 2, memoryGb: [4, 6] },
  { cpu: 4, memoryGb: [8, 10, 12] },
];

export const APP_RUNNER_MAX_CONCURRENCY = 200;

/** Everything App Runner cannot run of `props`; paths are props paths (`region`, `cpu`, `memoryGb`, `scaling.concurrency`). */
export function appRunnerProblems(props: EngineSizing): Problem[] {
  const problems: Problem[] = [];
  if (!(APP_RUNNER_REGIONS as readonly string[]).includes(props.region)) {
    problems.push({
      path: ['region'],
      input: props.region,
      message:
        `AWS App Runner is not offered in ${props.region}; it runs in ${APP_RUNNER_REGIONS.join(', ')}. ` +
        'Choose one of those regions, or set compute.engine to "ecs-express" (ECS Express Mode), App Runner\'s successor.',
    });
  }
  problems.push(...sizeProblems(props, APP_RUNNER_SIZES, 'an App Runner size', 'App Runner'));
  if (props.scaling.concurrency > APP_RUNNER_MAX_CONCURRENCY) {
    problems.push({
      path: ['scaling', 'concurrency'],
      input: props.scaling.concurrency,
      message: `is above App Runner's maximum; expected 1 to ${APP_RUNNER_MAX_CONCURRENCY}`,
    });
  }
  return problems;
}

/**
 * The vCPU sizes an ECS Express service (Fargate) runs, each with the memory sizes (GB) it goes
 * with: Fargate's task sizes, capped at the 8 GB Express Mode accepts.
 */
export const ECS_EXPRESS_SIZES: Sizes = [
  { cpu: 0.25, memoryGb: [0.5, 1, 2] },
  { cpu: 0.5, memoryGb: [1, 2, 3, 4] },
  { cpu: 1, memoryGb: [2, 3, 4, 5, 6, 7, 8] },
  { cpu: 2, memoryGb: [4, 5, 6, 7, 8] },
  { cpu: 4, memoryGb: [8] },
];

/** Everything ECS Express cannot run of `props` (its size); paths as in `appRunnerProblems`. */
export function ecsExpressProblems(props: EngineSizing): Problem[] {
  return sizeProblems(props, ECS_EXPRESS_SIZES, 'an ECS Express (Fargate) size', 'ECS Express');
}

/** The problems of `engine` with `props`. */
export function engineProblems(engine: ComputeEngine, props: EngineSizing): Problem[] {
  return engine === 'app-runner' ? appRunnerProblems(props) : ecsExpressProblems(props);
}

/** A service's vCPU must be one of the engine's sizes, and its memory one that goes with it. */
function sizeProblems(props: EngineSizing, sizes: Sizes, sizeName: string, engine: string): Problem[] {
  const memories = sizes.find((size) => size.cpu === props.cpu)?.memoryGb;
  if (!memories) {
    return [
      {
        path: ['cpu'],
        input: props.cpu,
        message: `is not ${sizeName}; expected vCPU ${sizes.map((size) => size.cpu).join(', ')}`,
      },
    ];
  }
  if (!memories.includes(props.memoryGb)) {
    return [
      {
        path: ['memoryGb'],
        input: props.memoryGb,
        message: `cannot go with ${props.cpu} vCPU on ${engine}; expected ${memories.join(', ')} GB`,
      },
    ];
  }
  return [];
}
