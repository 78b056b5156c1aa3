# syntax=docker/dockerfile:1.7
# The web app: the React build served by nginx, which also proxies /api and /sub to the api
# service (deploy/nginx.conf).
#
#   docker build -f deploy/web.Dockerfile -t rayport-web .   (from the repository root)

ARG NODE_VERSION=22
ARG NGINX_VERSION=1.28

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# nginx-unprivileged: the official nginx build running as a non-root user on port 8080.
FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-alpine AS runtime
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
