import 'reflect-metadata';
import { loadEnvOrExit } from '@cae/config';
import { nestKafkaTransport, parseBrokers } from '@cae/kafka';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { JobsEnv } from './config/jobs-env';

const env = loadEnvOrExit(JobsEnv);
void bootstrapService('jobs', AppModule.forEnv(env), env.PORT, async (app) => {
  app.connectMicroservice(
    nestKafkaTransport(
      { brokers: parseBrokers(env.KAFKA_BROKERS), clientId: `${env.KAFKA_CLIENT_ID_PREFIX}-jobs-consumer` },
      'contactactivityexport-jobs',
    ),
    { inheritAppConfig: true },
  );
  // Topics are ensured during init; the transport subscribes only after that.
  await app.init();
  await app.startAllMicroservices();
});
