# One image for every role: the command picks gateway, worker, api or start.
# Workers get the GPU from docker-compose's device reservation; node-llama-cpp's prebuilt CUDA
# binaries load when the NVIDIA runtime provides the driver, and it falls back to the CPU otherwise.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# Scripts run later: `prepare` builds, and the sources are not copied in yet.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    MODELS_DIR=/models \
    EMOTION_MODEL=/app/models/emotion
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY models/emotion ./models/emotion
COPY assets ./assets
RUN mkdir -p /models && chown node:node /models
USER node
VOLUME ["/models"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["start"]
