import { Module } from '@nestjs/common';
import { AnalyticsCache } from './analytics-cache.js';

/** The cache of computed results, invalidated by the EDC's writes. */
@Module({
  providers: [AnalyticsCache],
  exports: [AnalyticsCache],
})
export class ResultsModule {}
