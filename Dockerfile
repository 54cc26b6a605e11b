# loraswarm in a container, for docker-compose.yml. Debian's mosquitto package brings
# mosquitto_passwd, which `loraswarm broker-setup` uses to hash the per-run password file.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends mosquitto \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The CLI's bundle, dist/ (see bin/bundle.js): `npm ci --ignore-scripts` above skips the
# prepare script that builds it, and src/ was not there yet. Built here, every container starts
# from it instead of building it at each start.
RUN node bin/bundle.js
COPY deploy ./deploy
COPY scenarios ./scenarios
# The shipped models, which model-serving scenarios name (quickstart, inference-*).
COPY models ./models
ENTRYPOINT ["node", "bin/loraswarm.js"]
CMD ["--help"]
