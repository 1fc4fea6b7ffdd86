/**
 * Error bodies and input validation shared by the routes.
 *
 * Every error the API answers has one shape, `{ error: { code, message, issues? } }`, built by
 * `errorBody` only: routes throw `apiError(...)`, and the app-level answers (404, 403, 413, 500)
 * send `c.json(errorBody(...), status)` (no exception, so no stack trace is captured on the hot
 * path of a 404).
 *
 * Request input is validated with @hono/zod-validator, per route (`json`, `header`, `query`); its
 * `invalid(what)` hook turns zod's issues into a 400 that names every field. A JSON route puts
 * `jsonOnly` first: hono's validator would quietly read a body of another content type as `{}`,
 * where this API answers 415, and would answer malformed JSON with a plain-text 400.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** The one place the error shape is written. */
export function errorBody(code: string, message: string, issues?: ErrorBody['error']['issues']): ErrorBody {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

/** An error for a route to throw; the app's error handler answers it as is. */
export function apiError(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  issues?: ErrorBody['error']['issues'],
): HTTPException {
  return new HTTPException(status, { res: Response.json(errorBody(code, message, issues), { status }) });
}

type Issue = z.core.$ZodIssue;

/** The 400 for zod issues: `Invalid <what>: <path>: <message>; ...`, and each issue by path. */
export function invalidRequest(
  what: string,
  zodIssues: readonly Issue[],
  pathOf: (issue: Issue) => PropertyKey[] = (issue) => issue.path,
): HTTPException {
  const issues = zodIssues.map((issue) => ({ path: pathOf(issue).map(String).join('.') || '(root)', message: issue.message }));
  return apiError(400, 'invalid_request', `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/**
 * The hook for `zValidator(target, schema, invalid(what))`: a failed validation becomes the 400
 * above. For a header schema `{ name: value }`, pass `{ header: true }` so the issue paths are the
 * value's own (`(root)`), as the message always said them.
 */
export function invalid(what: string, options: { header?: boolean } = {}) {
  const pathOf = options.header ? (issue: Issue) => issue.path.slice(1) : undefined;
  return (result: { success: true } | { success: false; error: { issues: Issue[] } }): void => {
    if (!result.success) throw invalidRequest(what, result.error.issues, pathOf);
  };
}

/** 415 unless the body is declared JSON, 400 unless it parses; hono caches the parsed body for the validator after it. */
export const jsonOnly: MiddlewareHandler = async (c: Context, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw apiError(415, 'unsupported_media_type', `Content-Type must be application/json (found: ${JSON.stringify(type || 'none')})`);
  }
  try {
    await c.req.json();
  } catch {
    throw apiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  return next();
};
