# One image for every role: the command picks gateway, worker, api or start.
#   docker build .               the CPU image (the last stage): every role, workers on the CPU
#   docker build --target gpu .  workers on NVIDIA GPUs (docker-compose.gpu.yml builds this one)
# node-llama-cpp's prebuilt CUDA binaries link libcudart and libcublas from the CUDA runtime, which
# the NVIDIA Container Toolkit does not provide (it adds only the driver), so the GPU image starts
# from NVIDIA's CUDA runtime image. CUDA_VERSION's major must match those binaries' (13 for
# node-llama-cpp 3.21: `readelf -d node_modules/@node-llama-cpp/linux-x64-cuda/bins/*/libggml-cuda.so`).
# Node 22 (LTS): Node 20 left maintenance in April 2026. Pin by digest (node:22-bookworm-slim@sha256:…)
# for builds that must not change under the lockfile.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG CUDA_VERSION=13.0.0

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# Scripts run later: `prepare` builds, and the sources are not copied in yet.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS node

FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu24.04 AS gpu
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
ENV NODE_ENV=production \
    MODELS_DIR=/models \
    EMOTION_MODEL=/app/models/emotion \
    LLM_GPU=cuda \
    HTTP_HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY models/emotion ./models/emotion
COPY assets ./assets
# uid 1000 (the CUDA image's "ubuntu" user), as the CPU image's "node": both write the shared models volume.
RUN mkdir -p /models && chown 1000:1000 /models
USER 1000:1000
VOLUME ["/models"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]

FROM ${NODE_IMAGE} AS cpu
WORKDIR /app
# HTTP_HOST: inside a container the API must listen beyond loopback for `docker run -p` to reach it.
ENV NODE_ENV=production \
    MODELS_DIR=/models \
    EMOTION_MODEL=/app/models/emotion \
    HTTP_HOST=0.0.0.0
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
