import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { SubjectVitalsService } from './subject-vitals.service.js';
import { VitalsController } from './vitals.controller.js';
import { VitalsRepository } from './vitals.repository.js';
import { VitalsService } from './vitals.service.js';

@Module({
  imports: [PatientsModule, StudiesModule],
  controllers: [VitalsController],
  providers: [VitalsService, VitalsRepository, SubjectVitalsService],
})
export class VitalsModule {}
