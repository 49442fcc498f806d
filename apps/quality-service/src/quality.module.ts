import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { ChecksModule } from './checks/checks.module.js';
import { NoiseModule } from './noise/noise.module.js';
import { QueriesModule } from './queries/queries.module.js';
import { RulesModule } from './rules/rules.module.js';

const features: ServiceDefinition['features'] = [RulesModule, ChecksModule, QueriesModule, NoiseModule];

/** Edit checks on captured data, their stored results, and the data-query lifecycle. */
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
