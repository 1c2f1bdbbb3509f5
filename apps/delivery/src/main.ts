import 'reflect-metadata';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { DeliveryEnv } from './config/delivery-env';

const env = loadEnvOrExit(DeliveryEnv);
void bootstrapService('delivery', AppModule.forEnv(env), { port: env.PORT, host: env.LISTEN_HOST });
