import { Module } from '@nestjs/common';
import { JobQueue } from './job-queue.js';

/**
 * Background jobs for any service: import it where a worker is registered or a job is sent. One
 * JobQueue per process, however many modules import it (the DataSource and config it needs are global).
 */
@Module({
  providers: [JobQueue],
  exports: [JobQueue],
})
export class JobQueueModule {}
