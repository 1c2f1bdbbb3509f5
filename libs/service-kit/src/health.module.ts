import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics';
import { Readiness } from './readiness';

@Global()
@Module({ controllers: [HealthController, MetricsController], providers: [Readiness], exports: [Readiness] })
export class HealthModule {}
