import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { JobsController } from './jobs.controller.js';

/** `/jobs/{id}`: the background jobs that store generated datasets (a job's id is its dataset's id). */
@Module({
  imports: [DatasetsModule],
  controllers: [JobsController],
})
export class JobsModule {}
