import 'reflect-metadata';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { GatewayEnv } from './config/gateway-env';
import { jsonBody } from './http/json-body.middleware';

const env = loadEnvOrExit(GatewayEnv);
void bootstrapService('api-gateway', AppModule.forEnv(env), env.PORT, (app) => {
  app.use(jsonBody(env.MAX_BODY_BYTES));
});
