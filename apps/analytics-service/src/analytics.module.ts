import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { CsrModule } from './csr/csr.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { RbqmModule } from './rbqm/rbqm.module.js';
import { RecistModule } from './recist/recist.module.js';
import { StatsModule } from './stats/stats.module.js';

const features: ServiceDefinition['features'] = [StatsModule, RecistModule, RbqmModule, CsrModule, ExportsModule];

/** Statistics on vitals by arm and visit, risk-based monitoring, the clinical study report, and standard exports. */
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
