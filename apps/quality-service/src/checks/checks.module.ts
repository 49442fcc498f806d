import { Module } from '@nestjs/common';

/** Running the rules: over a supplied batch (nothing stored) or over stored data, set-based in the database. */
@Module({})
export class ChecksModule {}
