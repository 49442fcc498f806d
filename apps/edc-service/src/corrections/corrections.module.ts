import { Module } from '@nestjs/common';

/** Corrections of captured data with a reason, entered-in-error, and each record's history. */
@Module({})
export class CorrectionsModule {}
