/**
 * Error reports to Sentry (@sentry/node), only when SENTRY_DSN is set. Release = the image tag
 * (APP_VERSION), environment = DROP_ENV. Every event, transaction and breadcrumb is scrubbed
 * (scrub.ts) before it is sent: no national ids, tokens, cookies or Authorization headers leave.
 */
import * as Sentry from '@sentry/node';
import { scrub } from '@drop/shared/redact';

export interface SentryOptions {
  readonly dsn: string;
  readonly release?: string;
  readonly environment: string;
}

export type ErrorReporter = (error: unknown, request: Request) => void;

export function initSentry(options: SentryOptions): ErrorReporter {
  Sentry.init({
    dsn: options.dsn,
    release: options.release,
    environment: options.environment,
    // No user fields, cookies or bodies collected at all; headers and URLs go through scrub().
    dataCollection: { userInfo: false, cookies: false, httpBodies: [] },
    // Errors only: no performance tracing, no profiling.
    tracesSampleRate: 0,
    beforeSend: (event) => scrub(event),
    beforeSendTransaction: (event) => scrub(event),
    beforeBreadcrumb: (breadcrumb) => scrub(breadcrumb),
  });
  return (error, request) => {
    Sentry.withScope((scope) => {
      const url = new URL(request.url);
      scope.setSDKProcessingMetadata({
        normalizedRequest: {
          method: request.method,
          url: request.url,
          query_string: url.search.slice(1),
          headers: Object.fromEntries(request.headers),
        },
      });
      Sentry.captureException(error);
    });
  };
}

/** Sends what is queued; call before the process exits. */
export function flushSentry(timeoutMs = 2000): Promise<boolean> {
  return Sentry.flush(timeoutMs);
}
