import 'reflect-metadata';
import { loadEnvOrExit } from '@cae/config';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { WriterEnv } from './config/writer-env';

const env = loadEnvOrExit(WriterEnv);
void bootstrapService('writer', AppModule.forEnv(env), { port: env.PORT, host: env.LISTEN_HOST });
