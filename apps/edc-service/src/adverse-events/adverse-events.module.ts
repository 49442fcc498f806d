import { Module } from '@nestjs/common';

/** Adverse events per subject. */
@Module({})
export class AdverseEventsModule {}
