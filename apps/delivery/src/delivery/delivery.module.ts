import { Module } from '@nestjs/common';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy } from '@cae/host-policy';
import { Db, JobEndings, MONGO_DB } from '@cae/mongo';
import { CredentialCipher, parseKeyList, SecretStore } from '@cae/secrets';
import { ObjectStorage } from '@cae/storage';
import { DeliveryEnv } from '../config/delivery-env';
import { DestinationRegistry } from '../destinations/destination.registry';
import { FtpDestination } from '../destinations/ftp.destination';
import { GcsBucketClaims } from '../destinations/gcs-bucket-claims.repository';
import { GcsDestination } from '../destinations/gcs.destination';
import { InternalStorageDestination } from '../destinations/internal-storage.destination';
import { S3Destination } from '../destinations/s3.destination';
import { SftpHostKeys } from '../destinations/sftp-host-keys.repository';
import { SftpDestination } from '../destinations/sftp.destination';
import { ChunksConsumer } from './chunks.consumer';
import { DeliveryProgressRepository } from './delivery-progress.repository';
import { DeliveryQueueRepository } from './delivery-queue.repository';
import { DeliveryWorker } from './delivery-worker.service';
import { DeliveryService } from './delivery.service';

@Module({
  providers: [
    ChunksConsumer,
    DeliveryService,
    DeliveryProgressRepository,
    DeliveryQueueRepository,
    DeliveryWorker,
    JobEndings,
    DestinationRegistry,
    InternalStorageDestination,
    SftpDestination,
    SftpHostKeys,
    FtpDestination,
    S3Destination,
    GcsDestination,
    GcsBucketClaims,
    { provide: ObjectStorage, inject: [DeliveryEnv], useFactory: (env: DeliveryEnv) => ObjectStorage.fromEnv(env) },
    {
      provide: HostPolicy,
      inject: [DeliveryEnv],
      useFactory: (env: DeliveryEnv) =>
        HostPolicy.fromList(env.DESTINATION_HOST_ALLOWLIST, env.DESTINATION_PUBLIC_HOSTS),
    },
    {
      provide: BucketDenylist,
      inject: [DeliveryEnv],
      useFactory: (env: DeliveryEnv) => BucketDenylist.forEnv(env),
    },
    {
      provide: SecretStore,
      inject: [MONGO_DB, DeliveryEnv],
      useFactory: (db: Db, env: DeliveryEnv) =>
        new SecretStore(db, new CredentialCipher(env.CREDENTIALS_KEY, parseKeyList(env.CREDENTIALS_KEY_PREVIOUS))),
    },
  ],
})
export class DeliveryModule {}
