# spanlite with its default ports; the SQLite database lives in the /data volume.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json binding.gyp ./
COPY native ./native
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SPANLITE_STORAGE_PATH=/data/spanlite.db MALLOC_ARENA_MAX=1
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/build/Release/release_memory.node ./build/Release/
COPY package.json ./
COPY migrations ./migrations
COPY proto ./proto
COPY thrift ./thrift
VOLUME /data
# Zipkin 9411, Jaeger gRPC 14250, Jaeger HTTP 14268, query HTTP 16686, query gRPC 16685, admin 14269
EXPOSE 9411 14250 14268 16686 16685 14269
ENTRYPOINT ["node", "--max-old-space-size=256", "--heap-growing-percent=200", "--gc-memory-reducer-start-delay-ms=2000", "dist/main.js"]
