# Looptrace in a container: the same steps as the production install in
# docs/operations.md (npm ci, npm run build, npm prune --omit=dev, then
# NODE_ENV=production node dist/main.js), which CI runs on every change.
#
#   docker build -t looptrace .
#   docker run -p 3000:3000 -v looptrace-data:/data -e ADMIN_TOKEN=<a long secret> looptrace

FROM node:20-bookworm-slim AS build
# better-sqlite3 is compiled when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/looptrace.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The IDE offers docs/examples and serves the guides; the demo command reads demo/.
COPY docs ./docs
COPY demo ./demo
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
