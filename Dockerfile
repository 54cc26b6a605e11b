# loraswarm in a container, for docker-compose.yml. Debian's mosquitto package brings
# mosquitto_passwd, which `loraswarm broker-setup` uses to hash the per-run password file.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends mosquitto \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY deploy ./deploy
COPY scenarios ./scenarios
# The shipped models, which model-serving scenarios name (quickstart, inference-*).
COPY models ./models
ENTRYPOINT ["node", "bin/loraswarm.js"]
CMD ["--help"]
