import { Module } from '@nestjs/common';
import { AdverseEventsModule } from './adverse-events/adverse-events.module.js';
import { CasebookModule } from './casebook/casebook.module.js';
import { CorrectionsModule } from './corrections/corrections.module.js';
import { LocksModule } from './locks/locks.module.js';
import { RandomizationModule } from './randomization/randomization.module.js';
import { SignaturesModule } from './signatures/signatures.module.js';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { Patient } from './patients/patient.entity.js';
import { PatientsModule } from './patients/patients.module.js';
import { StudiesModule } from './studies/studies.module.js';
import { VitalSign } from './vitals/vital-sign.entity.js';
import { VitalsModule } from './vitals/vitals.module.js';

const features = [
  StudiesModule,
  PatientsModule,
  RandomizationModule,
  VitalsModule,
  CorrectionsModule,
  AdverseEventsModule,
  LocksModule,
  SignaturesModule,
  CasebookModule,
];

/** Electronic data capture: studies, subjects, their vital signs and adverse events, locks, signatures and casebooks. */
@Module({
  imports: features,
  controllers: [serviceHealthController('edc-service')],
})
export class EdcModule {}

export const EDC_SERVICE: ServiceDefinition = {
  name: 'edc-service',
  prefix: 'edc',
  defaultPort: 8001,
  urlVariable: 'EDC_SERVICE_URL',
  module: EdcModule,
  features,
  entities: [Patient, VitalSign],
};
