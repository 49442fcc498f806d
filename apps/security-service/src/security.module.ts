import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';

const features: ServiceDefinition['features'] = [];

/** Users, login, tokens, roles and the audit trail (features arrive with their issues). */
@Module({
  imports: features,
  controllers: [serviceHealthController('security-service')],
})
export class SecurityModule {}

export const SECURITY_SERVICE: ServiceDefinition = {
  name: 'security-service',
  prefix: 'security',
  defaultPort: 8005,
  urlVariable: 'SECURITY_SERVICE_URL',
  module: SecurityModule,
  features,
};
