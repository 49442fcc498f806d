import { Module } from '@nestjs/common';
import { JobQueueModule } from '../../../../libs/jobs/src/index.js';
import { DatasetJobs } from './dataset-jobs.service.js';
import { DatasetLoader } from './dataset-loader.js';
import { DatasetStoreWorker } from './dataset-store.worker.js';
import { DatasetSweeper } from './dataset-sweeper.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsRepository } from './datasets.repository.js';
import { DatasetsService } from './datasets.service.js';

/**
 * Generated datasets stored in the EDC: the store jobs (DatasetJobs, exported for the generate
 * route), their worker, the datasets' list, details and exports.
 */
@Module({
  imports: [JobQueueModule],
  controllers: [DatasetsController],
  providers: [DatasetsRepository, DatasetsService, DatasetJobs, DatasetLoader, DatasetStoreWorker, DatasetSweeper],
  exports: [DatasetJobs, DatasetsRepository],
})
export class DatasetsModule {}
