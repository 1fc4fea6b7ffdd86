/**
 * Server-side start-up of the web app (Next.js instrumentation, Node.js runtime only):
 *  - every line the server logs (Next's own error logs included) goes through the platform's one
 *    redactor (`@drop/shared/redact`, as the API's logs and both services' Sentry do): no token,
 *    cookie, OpenID Connect secret or national id, and one line per call (control characters
 *    escaped), so a request that carried `%0d%0a` cannot forge log lines;
 *  - error reports to Sentry (@sentry/nextjs), only when SENTRY_DSN is set (a runtime secret; the
 *    browser bundle gets no DSN). Release = the image tag (APP_VERSION), environment = DROP_ENV.
 *    Everything is scrubbed by the same module before it is sent.
 */
import type { Instrumentation } from 'next';

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ format }, { safeLine, scrub }] = await Promise.all([import('node:util'), import('@drop/shared/redact')]);
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const write = console[level].bind(console);
    console[level] = (...args: unknown[]) => write(safeLine(format(...args)));
  }
  if (!process.env.SENTRY_DSN) return;
  const Sentry = await import('@sentry/nextjs');
  Sentry.init({
    dsn: process.env.SENTRY_DSN,
    release: process.env.APP_VERSION,
    environment: process.env.DROP_ENV || 'development',
    tracesSampleRate: 0,
    dataCollection: { userInfo: false, cookies: false, httpBodies: [] },
    beforeSend: (event) => scrub(event),
    beforeSendTransaction: (event) => scrub(event),
    beforeBreadcrumb: (breadcrumb) => scrub(breadcrumb),
  });
}

export const onRequestError: Instrumentation.onRequestError = async (...args) => {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.SENTRY_DSN) return;
  const Sentry = await import('@sentry/nextjs');
  Sentry.captureRequestError(...args);
  await Sentry.flush(2000);
};
