# syntax=docker/dockerfile:1.7
# The two services, built from one Dockerfile in the spec's four stages:
#   deps -> test (the gate) -> builder -> runner, with one final target per service.
#   docker build --target api -t drop-api .
#   docker build --target web --build-arg NEXT_PUBLIC_SERVICE_MODE=live -t drop-web .
#   (--build-arg APP_VERSION=<tag> bakes the release into either image's health `version`)
# Only the apps' workspaces and the package they share (packages/shared) are installed: the
# infrastructure toolchain (cdktf, providers) never enters an image. No stage needs python3, make
# or g++ (no native dependencies), so none installs them.

ARG NODE_IMAGE=node:22-alpine

# ---- Stage 1: deps: every dependency (production and development) of the two apps ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/package.json
COPY apps/api/package.json apps/api/package.json
COPY apps/web/package.json apps/web/package.json
RUN npm ci --workspace packages/shared --workspace apps/api --workspace apps/web --include-workspace-root=false --no-audit --no-fund

# ---- Stage 2: test: the gate; the builder copies its marker, so a failing test stops every build ----
FROM deps AS test
COPY tsconfig.base.json vitest.config.mts ./
COPY packages/shared packages/shared
COPY apps/api apps/api
COPY apps/web apps/web
# No PostgreSQL server and no Chromium inside a build (the npm build of Chromium does not run on
# Alpine): the API's tests run on the embedded database, the web's on its standalone build without
# the browser. CI runs them against PostgreSQL and in Chromium too, before it builds images.
ENV DROP_TEST_EMBEDDED_ONLY=1
ENV DROP_TEST_NO_BROWSER=1
# The coverage thresholds are in vitest.config.mts: below them vitest exits 1 and the build stops.
RUN npx tsc -p packages/shared --noEmit \
 && npx tsc -p apps/api --noEmit \
 && npx tsc -p apps/web --noEmit \
 && npx vitest run --project shared --project api --project web --coverage \
 && touch /app/.tests-passed

# ---- Stage 3: builder: compiled API (and the shared package), Next.js standalone output, production-only API dependencies ----
FROM deps AS builder
COPY --from=test /app/.tests-passed /tmp/.tests-passed
# The apps' tsconfig.json extend it.
COPY tsconfig.base.json ./
COPY packages/shared packages/shared
COPY apps/api apps/api
COPY apps/web apps/web
ARG NEXT_PUBLIC_SERVICE_MODE=live
ENV NEXT_PUBLIC_SERVICE_MODE=${NEXT_PUBLIC_SERVICE_MODE}
RUN npm run build --workspace apps/api \
 && npm run build --workspace apps/web \
 && rm -rf node_modules packages/shared/node_modules apps/api/node_modules apps/web/node_modules \
 && npm ci --workspace apps/api --include-workspace-root=false --omit=dev --no-audit --no-fund

# ---- Stage 4: runner: what both images share: non-root user, data directory, no toolchain ----
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
ENV NODE_ENV=production
# The release (image tag) both services report as health `version`; the compute stack sets
# APP_VERSION at run time too. Empty: the services fall back to their package version.
ARG APP_VERSION=
ENV APP_VERSION=${APP_VERSION}
ENV NEXT_TELEMETRY_DISABLED=1
# The package managers are not needed at run time; nothing that builds or installs code stays.
RUN addgroup -S -g 1001 nodejs \
 && adduser -S -u 1001 -G nodejs -H -D nextjs \
 && mkdir -p /app/data \
 && chown nextjs:nodejs /app/data \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn* /usr/local/bin/yarn /usr/local/bin/yarnpkg

# ---- Target api: the Hono API on port 3001 ----
FROM runner AS api
# The RDS CA bundle, for TLS with certificate verification (DATABASE_CA_FILE defaults to this path).
ADD --chmod=444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /app/certs/rds-global-bundle.pem
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/apps/api/node_modules ./apps/api/node_modules
COPY --from=builder /app/apps/api/package.json ./apps/api/package.json
COPY --from=builder /app/apps/api/dist ./apps/api/dist
COPY --from=builder /app/apps/api/migrations ./apps/api/migrations
# @drop/shared (node_modules/@drop/shared links here): its build, and the two modules it ships as JavaScript.
COPY --from=builder /app/packages/shared/package.json ./packages/shared/package.json
COPY --from=builder /app/packages/shared/dist ./packages/shared/dist
COPY --from=builder /app/packages/shared/src/drain.js /app/packages/shared/src/deployed.js ./packages/shared/src/
ENV PORT=3001
ENV DATA_DIR=/app/data
USER nextjs
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=10s --retries=3 --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The migration job runs this image too: `node apps/api/dist/migrate.js` (npm run db:migrate).
CMD ["node", "apps/api/dist/server.js"]

# ---- Target web: the Next.js standalone server on port 3000 ----
FROM runner AS web
# The web's build (apps/web/package.json) already put the static assets, public/, the process
# wrapper serve.mjs (refuses bad configuration, limits bodies, drains on SIGTERM) and the shared
# modules it imports (node_modules/@drop/shared) into the standalone output, each where node looks.
COPY --from=builder --chown=nextjs:nodejs /app/apps/web/.next/standalone ./
ENV PORT=3000
ENV HOSTNAME=0.0.0.0
USER nextjs
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=10s --retries=3 --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/web/serve.mjs"]
