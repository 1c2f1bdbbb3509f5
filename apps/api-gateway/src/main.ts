import 'reflect-metadata';
import type { Server } from 'node:http';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { GatewayEnv } from './config/gateway-env';
import { jsonBody } from './http/json-body.middleware';

const env = loadEnvOrExit(GatewayEnv);
void bootstrapService('api-gateway', AppModule.forEnv(env), env.PORT, (app) => {
  app.use(jsonBody(env.MAX_BODY_BYTES, env.BODY_TIMEOUT_MS));
  // Backstops for clients that are slow before the body: Node checks these about every 30 s.
  const server = app.getHttpServer() as Server;
  server.headersTimeout = env.HEADERS_TIMEOUT_MS;
  server.requestTimeout = env.BODY_TIMEOUT_MS + env.HEADERS_TIMEOUT_MS;
});
