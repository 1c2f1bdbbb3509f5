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
    {
      provide: CallbackSecretStore,
      inject: [MONGO_DB, GatewayEnv],
      useFactory: (db: Db, env: GatewayEnv) => new CallbackSecretStore(db, new CredentialCipher(env.CREDENTIALS_KEY)),
    },
  ],
  exports: [CallbackRequestPolicy],
})
export class CallbackModule {}
