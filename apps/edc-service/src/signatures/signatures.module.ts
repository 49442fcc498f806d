import { Module } from '@nestjs/common';

/** Electronic signatures of a subject's casebook (21 CFR Part 11). */
@Module({})
export class SignaturesModule {}
