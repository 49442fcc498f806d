import { Module } from '@nestjs/common';

/** Risk-based monitoring: key risk indicators per site and quality tolerance limits. */
@Module({})
export class RbqmModule {}
