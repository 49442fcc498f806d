import { Module } from '@nestjs/common';
import { ScopeModule } from '../scope/scope.module.js';
import { RecistController } from './recist.controller.js';
import { RecistService } from './recist.service.js';

/** Objective response rates per arm on simulated RECIST responses. */
@Module({
  imports: [ScopeModule],
  controllers: [RecistController],
  providers: [RecistService],
})
export class RecistModule {}
