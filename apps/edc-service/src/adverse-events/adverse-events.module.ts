import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { AdverseEventsController } from './adverse-events.controller.js';
import { AdverseEventsRepository } from './adverse-events.repository.js';
import { AdverseEventsService } from './adverse-events.service.js';

/** Adverse events per subject. */
@Module({
  imports: [PatientsModule, ClinicalChangesModule],
  controllers: [AdverseEventsController],
  providers: [AdverseEventsService, AdverseEventsRepository],
  exports: [AdverseEventsService, AdverseEventsRepository],
})
export class AdverseEventsModule {}
