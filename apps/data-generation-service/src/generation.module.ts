import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';

const features: ServiceDefinition['features'] = [];

/** Synthetic, reproducible clinical-trial datasets (features arrive with their issues). */
@Module({
  imports: features,
  controllers: [serviceHealthController('data-generation-service')],
})
export class GenerationModule {}

export const GENERATION_SERVICE: ServiceDefinition = {
  name: 'data-generation-service',
  prefix: 'generation',
  defaultPort: 8002,
  urlVariable: 'GENERATION_SERVICE_URL',
  module: GenerationModule,
  features,
};
