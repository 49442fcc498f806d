import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { LocksController } from './locks.controller.js';
import { LocksService } from './locks.service.js';

/** Locks on a subject's data or one visit. */
@Module({
  imports: [ClinicalChangesModule, PatientsModule],
  controllers: [LocksController],
  providers: [LocksService],
})
export class LocksModule {}
