# One image definition for every service: `docker build --build-arg APP=edc-service .`
# (APP defaults to the gateway). The compiled output holds all apps; APP picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY database database
COPY test test
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ARG APP=api-gateway
ENV NODE_ENV=production APP=${APP}
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
USER node
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
