import 'reflect-metadata';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { QueryEnv } from './config/query-env';

const env = loadEnvOrExit(QueryEnv);
void bootstrapService('query', AppModule.forEnv(env), { port: env.PORT, host: env.LISTEN_HOST });
