import { Global, Module } from '@nestjs/common';
import { loadEnv } from '@cae/config';
import { GatewayEnv } from './gateway-env';

@Global()
@Module({ providers: [{ provide: GatewayEnv, useFactory: () => loadEnv(GatewayEnv) }], exports: [GatewayEnv] })
export class GatewayConfigModule {}
