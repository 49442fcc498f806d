import { Module } from '@nestjs/common';

/** Data queries (discrepancies) from open to closed, with their threads, assignment and ageing. */
@Module({})
export class QueriesModule {}
