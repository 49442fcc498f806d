import { Module } from '@nestjs/common';

/** The design's noise simulator, for training and testing the checks. */
@Module({})
export class NoiseModule {}
