# The Tranche bot: dist/bot.js (the bot and its dependencies in one file) and app.yml, on Node 24.
#   npm run build && docker build -t tranche-bot .
#   docker run -p 3000:3000 -v tranche-data:/data -e APP_ID -e PRIVATE_KEY -e WEBHOOK_SECRET tranche-bot
# Without APP_ID and PRIVATE_KEY it opens Probot's setup flow on :3000 to register the app from app.yml.
# The environment the bot reads is described in the README's bot section.
FROM node:24-slim

ENV HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    NO_SMEE_SETUP=true \
    TRANCHE_LEDGER=/data/ledger.db

WORKDIR /app
COPY --chown=node:node app.yml ./
COPY --chown=node:node dist/bot.js ./dist/bot.js
RUN mkdir -p /data && chown node:node /app /data

USER node
VOLUME /data
EXPOSE 3000
# Probot stops its server cleanly on SIGINT.
STOPSIGNAL SIGINT
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/bot.js"]
