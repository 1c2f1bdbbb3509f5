import { Module } from '@nestjs/common';
import { ObjectStorage } from '@cae/storage';
import { DeliveryEnv } from '../config/delivery-env';
import { DestinationRegistry } from '../destinations/destination.registry';
import { InternalStorageDestination } from '../destinations/internal-storage.destination';
import { ChunksConsumer } from './chunks.consumer';
import { DeliveryProgressRepository } from './delivery-progress.repository';
import { DeliveryService } from './delivery.service';

@Module({
  providers: [
    ChunksConsumer,
    DeliveryService,
    DeliveryProgressRepository,
    DestinationRegistry,
    InternalStorageDestination,
    { provide: ObjectStorage, inject: [DeliveryEnv], useFactory: (env: DeliveryEnv) => ObjectStorage.fromEnv(env) },
  ],
})
export class DeliveryModule {}
