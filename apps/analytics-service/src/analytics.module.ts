import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';

const features: ServiceDefinition['features'] = [];

/** Statistics on vitals by arm and visit, and the clinical study report (features arrive with their issues). */
@Module({
  imports: features,
  controllers: [serviceHealthController('analytics-service')],
})
export class AnalyticsModule {}

export const ANALYTICS_SERVICE: ServiceDefinition = {
  name: 'analytics-service',
  prefix: 'analytics',
  defaultPort: 8003,
  urlVariable: 'ANALYTICS_SERVICE_URL',
  module: AnalyticsModule,
  features,
};
