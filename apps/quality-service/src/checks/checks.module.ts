import { Module } from '@nestjs/common';
import { DeadlineTransactions } from '../../../../libs/database/src/index.js';
import { QueriesModule } from '../queries/queries.module.js';
import { RulesModule } from '../rules/rules.module.js';
import { CheckLibraries } from './check-libraries.js';
import { ChecksController } from './checks.controller.js';
import { ChecksRepository } from './checks.repository.js';
import { ChecksService } from './checks.service.js';
import { RunsRepository } from './runs.repository.js';
import { RunsService } from './runs.service.js';

/** Running the rules: over a supplied batch (nothing stored) or over stored data, set-based in the database. */
@Module({
  imports: [QueriesModule, RulesModule],
  controllers: [ChecksController],
  providers: [CheckLibraries, ChecksRepository, ChecksService, RunsRepository, RunsService, DeadlineTransactions],
  exports: [ChecksRepository],
})
export class ChecksModule {}
