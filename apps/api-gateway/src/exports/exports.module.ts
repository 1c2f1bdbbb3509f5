import { Module } from '@nestjs/common';
import { Db, MONGO_DB } from '@cae/mongo';
import { CredentialCipher, SecretStore } from '@cae/secrets';
import { AuthModule } from '../auth/auth.module';
import { GatewayEnv } from '../config/gateway-env';
import { DestinationPolicyModule } from '../destination-policy/destination-policy.module';
import { JobsModule } from '../jobs/jobs.module';
import { AudienceRepository } from './audience.repository';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [AuthModule, JobsModule, DestinationPolicyModule],
  controllers: [ExportsController],
  providers: [
    ExportsService,
    AudienceRepository,
    {
      provide: SecretStore,
      inject: [MONGO_DB, GatewayEnv],
      useFactory: (db: Db, env: GatewayEnv) => new SecretStore(db, new CredentialCipher(env.CREDENTIALS_KEY)),
    },
  ],
})
export class ExportsModule {}
