import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { SignaturesController } from './signatures.controller.js';
import { SignaturesService } from './signatures.service.js';

/** Electronic signatures of a subject's casebook (21 CFR Part 11). */
@Module({
  imports: [ClinicalChangesModule, PatientsModule],
  controllers: [SignaturesController],
  providers: [SignaturesService],
})
export class SignaturesModule {}
