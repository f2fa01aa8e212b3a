# One image for every service of the pipeline (broker, ingest, flows, console, public, reports,
# simulators, provision); docker-compose.yml chooses the command per service. The code is TypeScript
# run by Node 24's type stripping, so there is no build step. deploy/image.test.ts checks this file
# against what the services load and mount.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the production install scripts are the npm `node` package (it downloads a second
# Node binary for machines without Node 24; this image has it) and classic-level's node-gyp-build,
# which finds the prebuilt LevelDB binding the package ships for linux-x64 and linux-arm64.
# The `node` package is removed so that `npm run ...` inside the container uses the image's Node.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node node_modules/.bin/node \
  && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
# Reports are printed to PDF by Chromium (lib/reports/render/pdf.ts starts Debian's /usr/bin/chromium):
# on demand in the console, on schedule in the reports service. DejaVu is the reports' font.
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# Mount points of the named volumes: a new volume takes the owner of the folder it is mounted on, so
# the non-root user can write there. The code itself stays root-owned and read-only for that user.
RUN mkdir -p /data/registry /data/broker /data/spool /data/flows /data/console /data/reports /data/sim \
  && chown -R node:node /data
USER node
EXPOSE 1883 8883 1880 8080 8081 9101 9102
CMD ["node", "broker/main.ts"]
