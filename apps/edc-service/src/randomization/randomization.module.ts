import { Module } from '@nestjs/common';
import { ClinicalChangesModule } from '../clinical-changes/clinical-changes.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { RandomizationController } from './randomization.controller.js';
import { RandomizationService } from './randomization.service.js';

/** Randomization: stratified permuted blocks, reproducible from the study's seed. */
@Module({
  imports: [PatientsModule, ClinicalChangesModule, StudiesModule],
  controllers: [RandomizationController],
  providers: [RandomizationService],
})
export class RandomizationModule {}
