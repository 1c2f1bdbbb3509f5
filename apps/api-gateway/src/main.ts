import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { ApiKeyRepository } from './auth/api-key.repository';
import { authenticate } from './auth/authenticate.middleware';
import { FailedAuthLimiter } from './auth/failed-auth-limiter';
import { GatewayEnv } from './config/gateway-env';
import { setupApiDocs } from './http/api-docs';
import { answerClientErrorsAsJson } from './http/client-errors';
import { jsonBody } from './http/json-body.middleware';

const env = loadEnvOrExit(GatewayEnv);
void bootstrapService('api-gateway', AppModule.forEnv(env), { port: env.PORT, host: env.LISTEN_HOST }, (app) => {
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  express.set(
    'trust proxy',
    env.TRUSTED_PROXIES === '' ? false : env.TRUSTED_PROXIES.split(',').map((entry) => entry.trim()),
  );
  // The key is checked before the body is read: unauthenticated callers cost no parsing.
  const limiter = new FailedAuthLimiter(env.AUTH_FAILURE_BURST, env.AUTH_FAILURES_PER_MINUTE);
  app.use('/v2', authenticate(app.get(ApiKeyRepository), limiter, env.TRUSTED_PROXIES !== ''));
  // Only the API's own routes read bodies, and only once authenticated.
  app.use('/v2', jsonBody(env.MAX_BODY_BYTES, env.BODY_TIMEOUT_MS));
  // The OpenAPI document at /docs and /docs-json: outside /v2, so reading it needs no key.
  setupApiDocs(app);
  const server = app.getHttpServer() as Server;
  answerClientErrorsAsJson(server);
  // Backstops for clients that are slow before the body: Node checks these about every 30 s.
  server.headersTimeout = env.HEADERS_TIMEOUT_MS;
  server.requestTimeout = env.BODY_TIMEOUT_MS + env.HEADERS_TIMEOUT_MS;
});
