import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { DefaultStudy } from './default-study.js';
import { StudyDirectory } from './study-directory.js';
import { StudyRegistry } from './study-registry.js';
import { StudyRules } from './study-rules.js';

/** Studies: set-up (sites, arms, visit schedule, randomization) and the rules captured data must fit. */
@Module({
  imports: [ClinicalChangesModule],
  providers: [StudyDirectory, StudyRegistry, StudyRules, DefaultStudy],
  exports: [StudyDirectory, StudyRegistry, StudyRules],
})
export class StudiesModule {}
