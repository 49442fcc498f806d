import { jest } from '@jest/globals';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import type { JobQueue } from '../../../../libs/jobs/src/index.js';
import { defaultDesign } from '../generators/default-design.js';
import { withDefaults } from '../generators/parameters.js';
import type { Recipe } from '../generators/recipe.js';
import type { DatasetRow } from './dataset.row.js';
import { DatasetJobs } from './dataset-jobs.service.js';
import type { DatasetsRepository } from './datasets.repository.js';

/** Who DatasetJobs names when a dataset fails to be queued or is cancelled (the repository and the queue replaced). */
describe('DatasetJobs', () => {
  const actor: AuditActor = { userId: 'u1', username: 'dm.jones', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'r1' };
  const user = { id: 'u1', username: 'dm.jones', roles: ['data_manager'], siteIds: [] } as unknown as AuthenticatedUser;
  const design = defaultDesign('DEFAULT');
  const recipe: Recipe = { method: 'rules', parameters: withDefaults('rules', { n_total: 2, seed: 1 }, design), design };
  const row = (state: DatasetRow['state']) =>
    ({ id: 'd1', state, recipe, actor, rows_written: 0, rows_total: 8, subjects_written: 0, subjects_total: 2, attempts: 0, error: null, created_at: new Date(), started_at: null, finished_at: null }) as unknown as DatasetRow;
  const repository = {
    insert: jest.fn(async () => row('queued')),
    find: jest.fn(async () => row('queued')),
    markFailed: jest.fn(async () => true),
    cancel: jest.fn(async () => row('cancelled')),
  };
  const queue = { send: jest.fn(async () => undefined), cancel: jest.fn(async () => undefined) };
  const jobs = new DatasetJobs(repository as unknown as DatasetsRepository, queue as unknown as JobQueue);

  beforeEach(() => jest.clearAllMocks());

  it('marks a dataset whose job could not be queued failed, audited in the requester\'s name', async () => {
    queue.send.mockRejectedValueOnce(new Error('queue unavailable'));
    await expect(jobs.enqueue(user, actor, recipe)).rejects.toThrow('queue unavailable');
    expect(repository.markFailed).toHaveBeenCalledWith(expect.any(String), expect.stringContaining('The job could not be queued (queue unavailable)'), actor);
  });

  it('cancels in the name of who asked, then stops the job in the queue', async () => {
    await expect(jobs.cancel('d1', user, actor)).resolves.toMatchObject({ id: 'd1', state: 'cancelled' });
    expect(repository.cancel).toHaveBeenCalledWith('d1', actor);
    expect(queue.cancel).toHaveBeenCalledWith('store-dataset', 'd1');
  });
});
