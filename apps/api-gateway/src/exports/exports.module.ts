import { Module } from '@nestjs/common';
import { Db, MONGO_DB } from '@cae/mongo';
import { CredentialCipher, SecretStore } from '@cae/secrets';
import { AuthModule } from '../auth/auth.module';
import { CallbackModule } from '../callback/callback.module';
import { GatewayEnv } from '../config/gateway-env';
import { DestinationPolicyModule } from '../destination-policy/destination-policy.module';
import { JobsModule } from '../jobs/jobs.module';
import { AudienceRepository } from './audience.repository';
import { DryRunService } from './dry-run/dry-run.service';
import { ExportRequests } from './export-requests.service';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { IdempotencySweeper } from './idempotency/idempotency-sweeper';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { RequestFingerprints } from './idempotency/request-fingerprint';
import { ExportQuota } from './quota/export-quota';

@Module({
  imports: [AuthModule, JobsModule, DestinationPolicyModule, CallbackModule],
  controllers: [ExportsController],
  providers: [
    ExportsService,
    ExportRequests,
    AudienceRepository,
    IdempotencyRepository,
    IdempotencySweeper,
    ExportQuota,
    DryRunService,
    {
      provide: RequestFingerprints,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => new RequestFingerprints(env.CREDENTIALS_KEY),
    },
    {
      provide: SecretStore,
      inject: [MONGO_DB, GatewayEnv],
      useFactory: (db: Db, env: GatewayEnv) => new SecretStore(db, new CredentialCipher(env.CREDENTIALS_KEY)),
    },
  ],
})
export class ExportsModule {}
