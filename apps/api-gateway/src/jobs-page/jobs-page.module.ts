import { Module } from '@nestjs/common';
import { JobsPageAssets } from './jobs-page.assets';
import { JobsPageController } from './jobs-page.controller';

/** The Jobs page of the reference ("available via the UI on the Jobs page"), served by the gateway. */
@Module({
  controllers: [JobsPageController],
  providers: [JobsPageAssets],
})
export class JobsPageModule {}
