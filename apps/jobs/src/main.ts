import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadEnvOrExit } from '@cae/config';
import { exitOnUnrecoverableCrash, kafkaSecurityFromEnv, nestKafkaTransport, parseBrokers } from '@cae/kafka';
import { bootstrapService } from '@cae/service-kit';
import { AppModule } from './app.module';
import { JobsEnv } from './config/jobs-env';

const env = loadEnvOrExit(JobsEnv);
void bootstrapService('jobs', AppModule.forEnv(env), { port: env.PORT, host: env.LISTEN_HOST }, async (app) => {
  const statusConsumer = app.connectMicroservice(
    nestKafkaTransport(
      {
        brokers: parseBrokers(env.KAFKA_BROKERS),
        clientId: `${env.KAFKA_CLIENT_ID_PREFIX}-jobs-consumer`,
        security: kafkaSecurityFromEnv(env),
      },
      'contactactivityexport-jobs',
    ),
    { inheritAppConfig: true },
  );
  // Topics are ensured during init; the transport subscribes only after that.
  await app.init();
  await app.startAllMicroservices();
  exitOnUnrecoverableCrash(statusConsumer, (message) => new Logger('jobs').fatal(message));
});
