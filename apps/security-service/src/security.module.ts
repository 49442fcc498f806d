import { Module } from '@nestjs/common';
import { serviceHealthController, type ServiceDefinition } from '../../../libs/platform/src/index.js';
import { AuditTrailModule } from './audit-trail/audit-trail.module.js';
import { AuthFeatureModule } from './auth/auth.module.js';
import { UsersModule } from './users/users.module.js';

const features = [AuthFeatureModule, UsersModule, AuditTrailModule];

/** Users, sign-in, tokens and roles, and the audit trail's search, export and verification. */
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
