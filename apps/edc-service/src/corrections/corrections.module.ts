import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { AdverseEventCorrectionsController } from './adverse-event-corrections.controller.js';
import { AdverseEventCorrectionsService } from './adverse-event-corrections.service.js';
import { StudiesModule } from '../studies/studies.module.js';
import { CaptureChecks } from '../vitals/edit-checks/capture-checks.js';
import { VitalCorrectionsController } from './vital-corrections.controller.js';
import { VitalCorrectionsService } from './vital-corrections.service.js';

/** Corrections of captured data with a reason, entered-in-error, and each record's history. */
@Module({
  imports: [ClinicalChangesModule, StudiesModule],
  controllers: [VitalCorrectionsController, AdverseEventCorrectionsController],
  providers: [VitalCorrectionsService, AdverseEventCorrectionsService, CaptureChecks],
})
export class CorrectionsModule {}
