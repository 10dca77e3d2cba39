# One image for the three apps; docker-compose.yml picks the entry point per service.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NX_DAEMON=false
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/balancer/package.json apps/balancer/
COPY apps/degradation-detector/package.json apps/degradation-detector/
COPY libs ./libs
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.base.json ./
# Dev dependencies too: the apps run their TypeScript through tsx, and postinstall runs prisma generate.
RUN npm ci --no-audit --no-fund
ENV NODE_ENV=production
COPY apps ./apps
USER node
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
