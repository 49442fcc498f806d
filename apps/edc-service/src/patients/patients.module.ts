import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { EnrolmentController } from './enrolment/enrolment.controller.js';
import { EnrolmentService } from './enrolment/enrolment.service.js';
import { PatientsController } from './patients.controller.js';
import { PatientsService } from './patients.service.js';
import { SubjectStatusController } from './status/subject-status.controller.js';
import { SubjectStatusService } from './status/subject-status.service.js';
import { SubjectReads } from './subject-reads.js';

/** Subjects: reads, enrolment, status changes and corrections. */
@Module({
  imports: [ClinicalChangesModule, StudiesModule],
  controllers: [PatientsController, EnrolmentController, SubjectStatusController],
  providers: [PatientsService, SubjectReads, EnrolmentService, SubjectStatusService],
  exports: [PatientsService, SubjectReads],
})
export class PatientsModule {}
