import { Module } from '@nestjs/common';

/** Locks on a subject's data or one visit. */
@Module({})
export class LocksModule {}
