import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { ConflictException, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { PageQuery } from '../../../../libs/platform/src/index.js';
import type { Recipe } from '../generators/recipe.js';
import { softwareVersion } from '../../../../libs/config/src/index.js';
import type { DatasetRow } from './dataset.row.js';
import { csvExport, exportFileName, jsonExport } from './dataset-export.js';
import { maySeeDataset } from './dataset-visibility.js';
import { DatasetsRepository } from './datasets.repository.js';
import { exportVersionConflict, madeByVersion } from './export-version.js';
import { type DatasetPage, type DatasetResponse, toDatasetResponse, toDatasetSummary } from './dto/dataset.response.js';
import type { ExportDatasetQuery } from './dto/export-dataset.query.js';

@Injectable()
export class DatasetsService {
  constructor(private readonly datasets: DatasetsRepository) {}

  async list(query: PageQuery, user: AuthenticatedUser): Promise<DatasetPage> {
    const { rows, total } = await this.datasets.list(query.limit, query.offset, isSiteLimited(user) ? user.siteIds : null);
    return { data: rows.map(toDatasetSummary), page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(id: string, user: AuthenticatedUser): Promise<DatasetResponse> {
    return toDatasetResponse(await this.found(id, user));
  }

  /**
   * The dataset made again from its recipe and streamed as it is made (whatever its state: the
   * recipe decides every byte), with backpressure from the client's connection. A stored dataset
   * only by the version that made it (409 otherwise); one with nothing stored by any version.
   */
  async export(id: string, query: ExportDatasetQuery, user: AuthenticatedUser): Promise<StreamableFile> {
    const row = await this.found(id, user);
    const conflict = exportVersionConflict(row.id, madeByVersion(row), softwareVersion());
    if (conflict) throw new ConflictException(conflict);
    const recipe = row.recipe as Recipe;
    const pieces = query.format === 'json' ? jsonExport(recipe) : csvExport(recipe, query.table);
    return new StreamableFile(Readable.from(takingTurns(pieces), { objectMode: false }), {
      type: query.format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${exportFileName(row.id, query.format, query.table)}"`,
    });
  }

  /** A dataset the user may not see answers as one that does not exist. */
  private async found(id: string, user: AuthenticatedUser): Promise<DatasetRow> {
    const row = await this.datasets.find(id);
    if (!row || !maySeeDataset(user, row.recipe as Recipe)) throw new NotFoundException(`No dataset ${id} at sites you may see`);
    return row;
  }
}

/**
 * Generation is synchronous, and a fast client takes every piece without a turn of the event loop:
 * give the process's other requests their turn after each piece, or they wait for the whole export.
 */
async function* takingTurns(pieces: Iterable<string>): AsyncGenerator<string> {
  for (const piece of pieces) {
    yield piece;
    await setImmediate();
  }
}
