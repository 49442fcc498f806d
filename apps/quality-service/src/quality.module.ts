import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';

const features: ServiceDefinition['features'] = [];

/** Edit checks and the data-query lifecycle (features arrive with their issues). */
@Module({
  imports: features,
  controllers: [serviceHealthController('quality-service')],
})
export class QualityModule {}

export const QUALITY_SERVICE: ServiceDefinition = {
  name: 'quality-service',
  prefix: 'quality',
  defaultPort: 8004,
  urlVariable: 'QUALITY_SERVICE_URL',
  module: QualityModule,
  features,
};
