import { Module } from '@nestjs/common';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy } from '@cae/host-policy';
import { Db, MONGO_DB } from '@cae/mongo';
import { CredentialCipher, SecretStore } from '@cae/secrets';
import { AuthModule } from '../auth/auth.module';
import { GatewayEnv } from '../config/gateway-env';
import { JobsModule } from '../jobs/jobs.module';
import { AudienceRepository } from './audience.repository';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [AuthModule, JobsModule],
  controllers: [ExportsController],
  providers: [
    ExportsService,
    AudienceRepository,
    { provide: HostPolicy, inject: [GatewayEnv], useFactory: (env: GatewayEnv) => HostPolicy.fromList(env.DESTINATION_HOST_ALLOWLIST, env.DESTINATION_PUBLIC_HOSTS) },
    {
      provide: BucketDenylist,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => BucketDenylist.of(env.DESTINATION_BUCKET_DENYLIST, [env.STAGING_BUCKET, env.FILES_BUCKET]),
    },
    {
      provide: SecretStore,
      inject: [MONGO_DB, GatewayEnv],
      useFactory: (db: Db, env: GatewayEnv) => new SecretStore(db, new CredentialCipher(env.CREDENTIALS_KEY)),
    },
  ],
})
export class ExportsModule {}
