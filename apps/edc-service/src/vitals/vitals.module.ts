import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { SubjectVitalsService } from './subject-vitals.service.js';
import { VitalsChecksController } from './checks/vitals-checks.controller.js';
import { VitalsChecksService } from './checks/vitals-checks.service.js';
import { CaptureChecks } from './edit-checks/capture-checks.js';
import { ImportSlots } from './import/import-slots.js';
import { VitalsImportController } from './import/vitals-import.controller.js';
import { VitalsImportService } from './import/vitals-import.service.js';
import { VitalsController } from './vitals.controller.js';
import { VitalsRepository } from './vitals.repository.js';
import { VitalsService } from './vitals.service.js';
import { VitalsWriter } from './vitals-writer.js';

@Module({
  imports: [PatientsModule, StudiesModule, ClinicalChangesModule],
  controllers: [VitalsController, VitalsImportController, VitalsChecksController],
  providers: [VitalsService, VitalsRepository, VitalsWriter, SubjectVitalsService, VitalsImportService, ImportSlots, VitalsChecksService, CaptureChecks],
  exports: [CaptureChecks],
})
export class VitalsModule {}
