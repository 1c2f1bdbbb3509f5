import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@cae/service-core';
import { DeliveryEnv } from './config/delivery-env';
import { DeliveryModule } from './delivery/delivery.module';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: DeliveryEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceCoreModule.forService('delivery', env), DeliveryModule],
    };
  }
}
