/** Error responses and input validation shared by the routes. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

export function apiError(status: ContentfulStatusCode, code: string, message: string, issues?: ErrorBody['error']['issues']): HTTPException {
  const body: ErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } };
  return new HTTPException(status, { res: Response.json(body, { status }) });
}

/** Parses `value` with `schema` or throws a 400 listing every issue by path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  throw apiError(400, 'invalid_request', `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw apiError(415, 'unsupported_media_type', `Content-Type must be application/json (found: ${JSON.stringify(type || 'none')})`);
  }
  try {
    return await c.req.json();
  } catch {
    throw apiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
}
