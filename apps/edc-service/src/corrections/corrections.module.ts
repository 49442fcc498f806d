import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { VitalCorrectionsController } from './vital-corrections.controller.js';
import { VitalCorrectionsService } from './vital-corrections.service.js';

/** Corrections of captured data with a reason, entered-in-error, and each record's history. */
@Module({
  imports: [ClinicalChangesModule, StudiesModule],
  controllers: [VitalCorrectionsController],
  providers: [VitalCorrectionsService],
})
export class CorrectionsModule {}
