/**
 * Error reports to Sentry (@sentry/nextjs), server side only and only when SENTRY_DSN is set (a
 * runtime secret; the browser bundle gets no DSN). Release = the image tag (APP_VERSION),
 * environment = DROP_ENV. Everything is scrubbed (@drop/shared/redact: one set of rules for both apps, their logs included) before it is sent.
 */
import type { Instrumentation } from 'next';

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.SENTRY_DSN) return;
  const [Sentry, { scrub }] = await Promise.all([import('@sentry/nextjs'), import('@drop/shared/redact')]);
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
