# syntax=docker/dockerfile:1
# Candid: a multi-stage build. The build stage compiles TypeScript and generates the Prisma client; the runtime
# stage holds production dependencies and compiled code only and runs as the unprivileged `node` user; the
# server applies migrations (Prisma's WASM schema engine, no download) before it listens.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# Dependencies' install scripts stay off (they would try to download engines); the client is generated explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && node scripts/prisma-generate.mjs
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# INIT_KEYS_ON_START=false: a container's stdout is kept in its log, which is no place for the recovery key;
# run `node dist/cli/admin.js init` on a terminal (docker compose exec / docker exec -it) to create the keys.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    INIT_KEYS_ON_START=false
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# /data holds the embedded database when DATABASE_URL is not set; it is the only writable path the app needs.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server applies pending migrations (Prisma's WASM schema engine) before it listens, and as PID 1 receives
# SIGTERM itself for a graceful stop. After a crash it waits for the embedded database's stale lock to expire.
CMD ["node", "dist/server.js"]
