import { Module } from '@nestjs/common';

/** Everything about one subject in one read. */
@Module({})
export class CasebookModule {}
