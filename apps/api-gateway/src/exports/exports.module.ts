import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { ExportsController } from './exports.controller';
import { AudienceRepository } from './audience.repository';
import { ExportsService } from './exports.service';

@Module({ imports: [AuthModule, JobsModule], controllers: [ExportsController], providers: [ExportsService, AudienceRepository] })
export class ExportsModule {}
