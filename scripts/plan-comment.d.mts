/** Types of scripts/plan-comment.mjs (plain JavaScript, so actions/github-script imports it without an install). */
export interface PlanArtifact {
  readonly name: string;
  readonly plan: string;
  readonly errors: string;
  readonly status: number | undefined;
}
export declare const COMMENT_LIMIT: number;
export declare const MARKER: string;
export declare function readPlans(dir: string): PlanArtifact[];
export declare function planComment(plans: readonly PlanArtifact[], options: { runUrl: string; limit?: number }): string;
