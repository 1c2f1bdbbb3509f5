import { Module } from '@nestjs/common';
import { Db, MONGO_DB } from '@cae/mongo';
import { CallbackSecretStore, CredentialCipher } from '@cae/secrets';
import { AuthModule } from '../auth/auth.module';
import { GatewayEnv } from '../config/gateway-env';
import { DestinationPolicyModule } from '../destination-policy/destination-policy.module';
import { CallbackRequestPolicy } from './callback-request.policy';
import { CallbackSecretController } from './callback-secret.controller';

/** Completion callbacks on the gateway: the account's signing secret, and the checks of an export's `callbackUrl`. */
@Module({
  imports: [AuthModule, DestinationPolicyModule],
  controllers: [CallbackSecretController],
  providers: [
    CallbackRequestPolicy,
    // Seals the accounts' signing secrets and each job's callbackUrl.
    {
      provide: CredentialCipher,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => new CredentialCipher(env.CREDENTIALS_KEY),
    },
    {
      provide: CallbackSecretStore,
      inject: [MONGO_DB, CredentialCipher],
      useFactory: (db: Db, cipher: CredentialCipher) => new CallbackSecretStore(db, cipher),
    },
  ],
  exports: [CallbackRequestPolicy],
})
export class CallbackModule {}
