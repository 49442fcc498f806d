import { Module } from '@nestjs/common';
import { DeadlineTransactions } from '../../../../libs/database/src/index.js';
import { ResultsModule } from '../results/results.module.js';
import { ScopeModule } from '../scope/scope.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { CsrController } from './csr.controller.js';
import { CsrService } from './csr.service.js';
import { DocumentsRepository } from './documents.repository.js';
import { CsrBuilder } from './report/csr-builder.js';
import { CsrDataRepository } from './report/csr-data.repository.js';

/** The clinical study report: generated, stored as versions, served as JSON, HTML and Markdown. */
@Module({
  imports: [ScopeModule, ResultsModule, StatsModule],
  controllers: [CsrController],
  providers: [CsrService, CsrBuilder, CsrDataRepository, DocumentsRepository, DeadlineTransactions],
})
export class CsrModule {}
