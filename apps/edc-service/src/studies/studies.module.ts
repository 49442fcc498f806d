import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { DefaultStudy } from './default-study.js';
import { StudiesController } from './studies.controller.js';
import { StudyDirectory } from './study-directory.js';
import { StudyPartsService } from './study-parts.service.js';
import { StudyReads } from './study-reads.js';
import { StudyRegistry } from './study-registry.js';
import { StudyRules } from './study-rules.js';
import { StudySetupService } from './study-setup.service.js';
import { StudyWrites } from './study-writes.js';

/** Studies: set-up (sites, arms, visit schedule, randomization) and the rules captured data must fit. */
@Module({
  imports: [ClinicalChangesModule],
  controllers: [StudiesController],
  providers: [StudyDirectory, StudyRegistry, StudyRules, DefaultStudy, StudyReads, StudyWrites, StudySetupService, StudyPartsService],
  exports: [StudyDirectory, StudyRegistry, StudyRules],
})
export class StudiesModule {}
