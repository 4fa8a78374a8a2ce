# syntax=docker/dockerfile:1
# The revocation server: build stage (npm ci, npm run build, deploy/production-layout.sh), then a
# production image holding only the production layout, running as a non-root user.
#   docker build -t revocation-server .
#   docker run -p 8080:8080 -v revocation-data:/data -e ISSUER=https://auth.example.com \
#     -e KEY_ENCRYPTION_KEY_FILE=/run/secrets/kek revocation-server
# docs/deploy.md says which of these steps were tested without a container engine.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 compiles when no prebuilt binary matches.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && deploy/production-layout.sh /app

FROM node:${NODE_VERSION}-bookworm-slim
ARG BUILD_COMMIT=unknown
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:/data/revocation.sqlite \
    AUDIT_LOG_FILE=/data/logs/runtime-api.log \
    BUILD_COMMIT=${BUILD_COMMIT}
# The application tree belongs to root and is read-only for the user that runs it; only /data is writable.
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
VOLUME /data
WORKDIR /app
USER node
EXPOSE 8080
# node is PID 1: the server handles SIGTERM itself (it stops accepting, finishes requests, closes the store).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/server/src/main.js"]
