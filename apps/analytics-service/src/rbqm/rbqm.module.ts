import { Module } from '@nestjs/common';
import { ScopeModule } from '../scope/scope.module.js';
import { RbqmController } from './rbqm.controller.js';
import { RbqmRepository } from './rbqm.repository.js';
import { RbqmService } from './rbqm.service.js';

/** Risk-based monitoring: key risk indicators per site and quality tolerance limits. */
@Module({
  imports: [ScopeModule],
  controllers: [RbqmController],
  providers: [RbqmRepository, RbqmService],
})
export class RbqmModule {}
