import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { Patient } from './patients/patient.entity.js';
import { PatientsModule } from './patients/patients.module.js';
import { StudiesModule } from './studies/studies.module.js';
import { VitalSign } from './vitals/vital-sign.entity.js';
import { VitalsModule } from './vitals/vitals.module.js';

const features = [StudiesModule, PatientsModule, VitalsModule];

/** Electronic data capture: subjects and their vital signs. */
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
