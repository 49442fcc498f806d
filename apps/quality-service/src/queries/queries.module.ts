import { Module } from '@nestjs/common';
import { QueryOpener } from './query-opener.js';

/** Data queries (discrepancies) from open to closed, with their threads, assignment and ageing. */
@Module({
  providers: [QueryOpener],
  exports: [QueryOpener],
})
export class QueriesModule {}
