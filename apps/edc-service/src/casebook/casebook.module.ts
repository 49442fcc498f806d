import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module.js';
import { StudiesModule } from '../studies/studies.module.js';
import { CasebookController } from './casebook.controller.js';
import { CasebookRepository } from './casebook.repository.js';
import { CasebookService } from './casebook.service.js';

/** Everything about one subject in one read. */
@Module({
  imports: [PatientsModule, StudiesModule],
  controllers: [CasebookController],
  providers: [CasebookService, CasebookRepository],
})
export class CasebookModule {}
