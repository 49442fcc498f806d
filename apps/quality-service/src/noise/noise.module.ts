import { Module } from '@nestjs/common';
import { NoiseController } from './noise.controller.js';
import { NoiseService } from './noise.service.js';

/** The design's noise simulator, for training and testing the checks. */
@Module({
  controllers: [NoiseController],
  providers: [NoiseService],
})
export class NoiseModule {}
