/** Cross-field rules of `compute`: scaling bounds, health check timing, what the engine can run. */
import { engineProblems } from '../../constructs/compute/engines';
import { Naming } from '../../constructs/naming';
import { mapPaths } from '../../constructs/validation';
import { SERVICE_NAMES } from '../names';
import type { Rules } from './rule';

export const computeRules: Rules = {
  maxInstancesAtLeastMin: (env) =>
    SERVICE_NAMES.flatMap((name) => {
      const s = env.compute.services[name];
      return s.maxInstances < s.minInstances
        ? [
            {
              path: ['compute', 'services', name, 'maxInstances'],
              input: s.maxInstances,
              message: `is below minInstances (${s.minInstances}); expected maxInstances >= minInstances`,
            },
          ]
        : [];
    }),
  healthCheckTimeoutWithinInterval: (env) =>
    SERVICE_NAMES.flatMap((name) => {
      const h = env.compute.services[name].healthCheck;
      return h.timeoutSeconds > h.intervalSeconds
        ? [
            {
              path: ['compute', 'services', name, 'healthCheck', 'timeoutSeconds'],
              input: h.timeoutSeconds,
              message: `is longer than intervalSeconds (${h.intervalSeconds}); expected timeoutSeconds <= intervalSeconds`,
            },
          ]
        : [];
    }),
  // ECS Express's Network Load Balancer and its target group are named as the service,
  // <project>-<name>-<service>; Elastic Load Balancing allows 32 characters.
  ecsExpressLoadBalancerNames: (env) => {
    if (env.compute.engine !== 'ecs-express') return [];
    const naming = new Naming(env);
    const longest = SERVICE_NAMES.map((name) => naming.resource(name)).reduce((a, b) => (b.length > a.length ? b : a));
    return longest.length > 32
      ? [
          {
            path: ['name'],
            input: env.name,
            message: `makes the ecs-express load balancer name "${longest}" ${longest.length} characters long; expected <project>-<name>-<service> within 32 (Elastic Load Balancing's limit): shorten name (or project)`,
          },
        ]
      : [];
  },
  // The engine construct's own checks, on each service; a region problem is reported once.
  engineCanRunServices: (env) => {
    const seen = new Set<string>();
    return SERVICE_NAMES.flatMap((name) => {
      const service = env.compute.services[name];
      const problems = engineProblems(env.compute.engine, {
        region: env.aws.region,
        cpu: service.cpu,
        memoryGb: service.memoryGb,
        scaling: service,
      });
      return mapPaths(problems, (path) =>
        path[0] === 'region' ? ['aws', 'region'] : ['compute', 'services', name, ...(path[0] === 'scaling' ? path.slice(1) : path)],
      );
    }).filter((problem) => {
      const key = `${problem.path.join('.')}: ${problem.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  },
};
