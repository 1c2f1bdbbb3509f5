import { Module } from '@nestjs/common';
import { HostPolicy } from '@cae/host-policy';
import { Db, MONGO_DB } from '@cae/mongo';
import { CallbackSecretStore, CredentialCipher, parseKeyList } from '@cae/secrets';
import { JobsEnv } from '../config/jobs-env';
import { CallbackDispatcher } from './callback-dispatcher.service';
import { CallbackRetryPolicy } from './callback-retry-policy';
import { CallbackSecretResealer } from './callback-secret-resealer.service';
import { CallbackSender } from './callback-sender';

/** Completion callbacks: the signed POST of a job's final state to its `callbackUrl`, retried, at least once. */
@Module({
  providers: [
    CallbackDispatcher,
    CallbackSecretResealer,
    {
      provide: CallbackSender,
      inject: [JobsEnv],
      // The destinations' host policy, with the gateway's values: what it accepted is what may be contacted.
      useFactory: (env: JobsEnv) =>
        new CallbackSender(HostPolicy.fromList(env.DESTINATION_HOST_ALLOWLIST, env.DESTINATION_PUBLIC_HOSTS), {
          timeoutMs: env.CALLBACK_TIMEOUT_MS,
        }),
    },
    // Opens the accounts' signing secrets and each job's sealed callbackUrl (also those sealed before a rotation).
    {
      provide: CredentialCipher,
      inject: [JobsEnv],
      useFactory: (env: JobsEnv) =>
        new CredentialCipher(env.CREDENTIALS_KEY, parseKeyList(env.CREDENTIALS_KEY_PREVIOUS)),
    },
    {
      provide: CallbackSecretStore,
      inject: [MONGO_DB, CredentialCipher],
      useFactory: (db: Db, cipher: CredentialCipher) => new CallbackSecretStore(db, cipher),
    },
    { provide: CallbackRetryPolicy, inject: [JobsEnv], useFactory: (env: JobsEnv) => CallbackRetryPolicy.fromEnv(env) },
  ],
})
export class CallbackModule {}
