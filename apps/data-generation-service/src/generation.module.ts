import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { GenerateModule } from './generate/generate.module.js';
import { JobsModule } from './jobs/jobs.module.js';

const features: ServiceDefinition['features'] = [GenerateModule, DatasetsModule, JobsModule];

/** Synthetic, reproducible clinical-trial datasets: previews, stored datasets as jobs, exports, comparisons. */
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
