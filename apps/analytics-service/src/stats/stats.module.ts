import { Module } from '@nestjs/common';

/** Descriptive tables, change from baseline, Welch tests and ANCOVA by arm and visit, and the design's Week 12 test. */
@Module({})
export class StatsModule {}
