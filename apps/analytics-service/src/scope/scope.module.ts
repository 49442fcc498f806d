import { Module } from '@nestjs/common';
import { AnalysisScopes } from './analysis-scopes.js';
import { StudyDesignReader } from './study-design.reader.js';

/** What data an analysis reads, and the study's set-up, from the EDC's published views. */
@Module({
  providers: [AnalysisScopes, StudyDesignReader],
  exports: [AnalysisScopes, StudyDesignReader],
})
export class ScopeModule {}
