import { Module } from '@nestjs/common';
import { DeadlineTransactions } from '../../../../libs/database/src/index.js';
import { ResultsModule } from '../results/results.module.js';
import { ScopeModule } from '../scope/scope.module.js';
import { StatsController } from './stats.controller.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';
import { Week12Service } from './week12.service.js';

/** Descriptive tables, change from baseline, Welch tests and ANCOVA by arm and visit, and the design's Week 12 test. */
@Module({
  imports: [ScopeModule, ResultsModule],
  controllers: [StatsController],
  providers: [StatsService, StatsRepository, Week12Service, DeadlineTransactions],
  exports: [StatsService],
})
export class StatsModule {}
