import { Module } from '@nestjs/common';
import { QueriesController } from './queries.controller.js';
import { QueriesRepository } from './queries.repository.js';
import { QueriesService } from './queries.service.js';
import { QueryOpener } from './query-opener.js';

/** Data queries (discrepancies) from open to closed, with their threads, assignment and ageing. */
@Module({
  controllers: [QueriesController],
  providers: [QueriesRepository, QueriesService, QueryOpener],
  exports: [QueryOpener],
})
export class QueriesModule {}
