import type { Type } from '@nestjs/common';

/** One platform service: its own process in split mode, a route prefix in all-in-one mode. */
export interface ServiceDefinition {
  /** Process and health name, e.g. `edc-service`. */
  name: string;
  /** Route prefix through the gateway (and in all-in-one mode), e.g. `edc`. */
  prefix: string;
  /** Port when the service runs as its own process. */
  defaultPort: number;
  /** Config variable holding the service's URL, for the gateway in split mode. */
  urlVariable: 'EDC_SERVICE_URL' | 'GENERATION_SERVICE_URL' | 'ANALYTICS_SERVICE_URL' | 'QUALITY_SERVICE_URL' | 'SECURITY_SERVICE_URL';
  /** The service's root module. Its own controllers (e.g. health) get the prefix too. */
  module: Type;
  /** Feature modules imported by `module` whose controllers are served under the prefix. */
  features: Type[];
  /** TypeORM entities of the tables this service owns (registered on the process's DataSource). */
  entities?: readonly Type[];
}
