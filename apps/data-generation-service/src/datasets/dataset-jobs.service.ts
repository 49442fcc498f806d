import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { JobQueue } from '../../../../libs/jobs/src/index.js';
import { completedDesign } from '../generators/default-design.js';
import type { Recipe } from '../generators/recipe.js';
import { FINISHED_STATES } from './dataset.row.js';
import { maySeeDataset } from './dataset-visibility.js';
import { DatasetsRepository } from './datasets.repository.js';
import { type JobResponse, toJobResponse } from './dto/job.response.js';

/** The job queue that stores generated datasets. */
export const STORE_DATASET_QUEUE = 'store-dataset';

/** What a store job carries: the dataset's row holds the rest (recipe, actor). */
export interface StoreDatasetJob {
  dataset_id: string;
}

/**
 * Stored datasets as background jobs: one job per dataset, under the dataset's id, so the job and
 * its dataset are named alike. The dataset's row is the job's truth for users (state, progress,
 * error); the queue only decides which process runs it and when.
 */
@Injectable()
export class DatasetJobs {
  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Records the dataset (queued) and queues its job; answers the job. `user` asked for it, `actor` is who the audit names. */
  async enqueue(_user: AuthenticatedUser, actor: AuditActor, recipe: Recipe): Promise<JobResponse> {
    const id = randomUUID();
    const subjects = recipe.parameters.n_total;
    const row = await this.datasets.insert({
      id,
      protocolId: recipe.parameters.protocol_id,
      method: recipe.method,
      recipe,
      actor,
      subjectsTotal: subjects,
      rowsTotal: recipe.method === 'ae' ? 0 : subjects * completedDesign(recipe.design).visits.length,
    });
    try {
      await this.jobs.send<StoreDatasetJob>(STORE_DATASET_QUEUE, { dataset_id: id }, id);
    } catch (error) {
      await this.datasets.markFailed(id, `The job could not be queued (${(error as Error).message}); nothing was stored. Try again.`, actor);
      throw error;
    }
    return toJobResponse(row);
  }

  async view(id: string, user: AuthenticatedUser): Promise<JobResponse> {
    return toJobResponse(await this.found(id, user));
  }

  /**
   * A queued job never starts; a running one stops within a second and stores nothing. A finished
   * job: 409. `actor` (who asked) is named on the dataset and in its audit event.
   */
  async cancel(id: string, user: AuthenticatedUser, actor: AuditActor): Promise<JobResponse> {
    await this.found(id, user);
    const cancelled = await this.datasets.cancel(id, actor);
    if (!cancelled) {
      const row = await this.datasets.find(id);
      if (!row) throw new NotFoundException(`No job ${id}`);
      if (FINISHED_STATES.includes(row.state)) {
        throw new ConflictException(`Job ${id} is ${row.state} already: only a queued or running job can be cancelled`);
      }
      throw new ConflictException(`Job ${id} changed state meanwhile (${row.state}); read it again`);
    }
    await this.jobs.cancel(STORE_DATASET_QUEUE, id);
    return toJobResponse(cancelled);
  }

  /** A job whose dataset the user may not see (another site's) answers as one that does not exist. */
  private async found(id: string, user: AuthenticatedUser) {
    const row = await this.datasets.find(id);
    if (!row || !maySeeDataset(user, row.recipe as Recipe)) throw new NotFoundException(`No job ${id} at sites you may see`);
    return row;
  }
}
