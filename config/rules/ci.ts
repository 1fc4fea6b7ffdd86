/** Cross-field rules of `ci`: who approves a deploy, by tier. */
import type { Rules } from './rule';

/** GitHub: "You can list up to six users or teams as reviewers" (Managing environments for deployment). */
export const MAX_REVIEWERS = 6;

export const ciRules: Rules = {
  productionNeedsApproval: (env) => {
    const { teams, users } = env.ci.reviewers;
    return env.tier === 'production' && teams.length + users.length === 0
      ? [
          {
            path: ['ci', 'reviewers'],
            input: env.ci.reviewers,
            message: 'must name at least one team or user when tier is "production": a deploy to production waits for their approval',
          },
        ]
      : [];
  },
  onlyProductionWaits: (env) => {
    const { teams, users } = env.ci.reviewers;
    return env.tier !== 'production' && teams.length + users.length > 0
      ? [
          {
            path: ['ci', 'reviewers'],
            input: env.ci.reviewers,
            message: `must be empty when tier is "${env.tier}": the pipeline rolls this environment back in a job of its GitHub environment, which must never wait for an approval`,
          },
        ]
      : [];
  },
  atMostSixReviewers: (env) => {
    const { teams, users } = env.ci.reviewers;
    return teams.length + users.length > MAX_REVIEWERS
      ? [
          {
            path: ['ci', 'reviewers'],
            input: env.ci.reviewers,
            message: `names ${teams.length + users.length} teams and users; GitHub allows at most ${MAX_REVIEWERS} required reviewers per environment`,
          },
        ]
      : [];
  },
};
