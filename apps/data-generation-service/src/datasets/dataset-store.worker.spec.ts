import { jest } from '@jest/globals';
import { JobQueue, type RunningJob } from '../../../../libs/jobs/src/index.js';
import type { DatasetRow, DatasetState } from './dataset.row.js';
import type { StoreDatasetJob } from './dataset-jobs.service.js';
import { type DatasetLoader, LoadCancelledError, LoadInProgressElsewhereError } from './dataset-loader.js';
import { DatasetStoreWorker } from './dataset-store.worker.js';
import type { DatasetsRepository } from './datasets.repository.js';

/** What the worker does with each way an attempt can end (the loader and the repository replaced). */
describe('DatasetStoreWorker', () => {
  const id = '9f2c4e1a-5b7d-4c3e-8a61-2f0b9d7e6c15';
  let state: DatasetState;
  let loadOutcome: () => Promise<unknown>;
  const repository = {
    find: jest.fn(async () => ({ id, state, recipe: {}, actor: { username: 'dm' } }) as unknown as DatasetRow),
    markFailed: jest.fn(async () => undefined),
    markWaiting: jest.fn(async () => undefined),
  };
  const loader = { load: jest.fn(() => loadOutcome()) };
  const worker = new DatasetStoreWorker({} as JobQueue, repository as unknown as DatasetsRepository, loader as unknown as DatasetLoader);

  const attempt = (options: Partial<RunningJob<StoreDatasetJob>> = {}): RunningJob<StoreDatasetJob> => ({
    id,
    data: { dataset_id: id },
    attempt: 1,
    lastAttempt: false,
    signal: new AbortController().signal,
    ...options,
  });
  const refusal = (code: string, message: string) => Object.assign(new Error(message), { code });

  beforeEach(() => {
    jest.clearAllMocks();
    state = 'queued';
    loadOutcome = async () => ({ stored: true });
  });

  it.each(['stored', 'failed', 'cancelled'] as const)('leaves a dataset that is %s alone (a job cancelled before it started never loads)', async (finished) => {
    state = finished;
    await worker.handle(attempt());
    expect(loader.load).not.toHaveBeenCalled();
  });

  it('loads a queued dataset, naming the attempt and the job\'s signal', async () => {
    const job = attempt({ attempt: 2 });
    await worker.handle(job);
    expect(loader.load).toHaveBeenCalledWith(expect.objectContaining({ datasetId: id, attempt: 2, signal: job.signal }));
    expect(repository.markFailed).not.toHaveBeenCalled();
  });

  it('keeps the EDC contract\'s refusal, written for people, as the failure; no retry', async () => {
    const message = '3 subject number(s) of the dataset exist already in study DEFAULT (first: subject RA001-001); nothing was stored';
    loadOutcome = async () => Promise.reject(refusal('CT409', message));
    await worker.handle(attempt());
    expect(repository.markFailed).toHaveBeenCalledWith(id, message);
  });

  it('says that nothing was stored when anything else fails for good', async () => {
    loadOutcome = async () => Promise.reject(new Error('the generator broke'));
    await worker.handle(attempt());
    expect(repository.markFailed).toHaveBeenCalledWith(id, 'Storing the dataset failed: the generator broke; nothing was stored.');
  });

  it('leaves a dataset cancelled while loading as cancelled, and one another attempt holds to that attempt', async () => {
    for (const error of [new LoadCancelledError(), new LoadInProgressElsewhereError('busy')]) {
      loadOutcome = async () => Promise.reject(error);
      await worker.handle(attempt());
    }
    expect(repository.markFailed).not.toHaveBeenCalled();
    expect(repository.markWaiting).not.toHaveBeenCalled();
  });

  it('puts the dataset back in the queue and fails the attempt when the connection was lost, while attempts remain', async () => {
    loadOutcome = async () => Promise.reject(refusal('08006', 'connection failure'));
    await expect(worker.handle(attempt())).rejects.toThrow('connection failure');
    expect(repository.markWaiting).toHaveBeenCalledWith(id, 'attempt 1 failed (connection failure); another attempt follows');
    expect(repository.markFailed).not.toHaveBeenCalled();
  });

  it('fails the dataset when the last attempt loses its connection', async () => {
    loadOutcome = async () => Promise.reject(refusal('08006', 'connection failure'));
    await worker.handle(attempt({ attempt: 3, lastAttempt: true }));
    expect(repository.markFailed).toHaveBeenCalledWith(id, 'Storing the dataset failed: connection failure; nothing was stored.');
  });

  it('puts the dataset back in the queue when its process stops, for the next process to run it', async () => {
    const stopping = new AbortController();
    stopping.abort(new JobQueue.SHUTDOWN());
    loadOutcome = async () => Promise.reject(stopping.signal.reason);
    await expect(worker.handle(attempt({ signal: stopping.signal }))).rejects.toBeInstanceOf(JobQueue.SHUTDOWN);
    expect(repository.markWaiting).toHaveBeenCalledWith(id, null);
  });

  it('touches nothing when the queue gave the attempt up (another may be running it)', async () => {
    const lost = new AbortController();
    lost.abort(new Error('job is no longer active under this worker\'s claim'));
    loadOutcome = async () => Promise.reject(lost.signal.reason);
    await expect(worker.handle(attempt({ signal: lost.signal }))).rejects.toThrow(/no longer active/);
    expect(repository.markWaiting).not.toHaveBeenCalled();
    expect(repository.markFailed).not.toHaveBeenCalled();
  });
});
