import { Readable } from 'node:stream';
import { Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import type { PageQuery } from '../../../../libs/platform/src/index.js';
import type { Recipe } from '../generators/recipe.js';
import type { DatasetRow } from './dataset.row.js';
import { csvExport, exportFileName, jsonExport } from './dataset-export.js';
import { DatasetsRepository } from './datasets.repository.js';
import { type DatasetPage, type DatasetResponse, toDatasetResponse, toDatasetSummary } from './dto/dataset.response.js';
import type { ExportDatasetQuery } from './dto/export-dataset.query.js';

@Injectable()
export class DatasetsService {
  constructor(private readonly datasets: DatasetsRepository) {}

  async list(query: PageQuery): Promise<DatasetPage> {
    const { rows, total } = await this.datasets.list(query.limit, query.offset);
    return { data: rows.map(toDatasetSummary), page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(id: string): Promise<DatasetResponse> {
    return toDatasetResponse(await this.found(id));
  }

  /**
   * The dataset made again from its recipe and streamed as it is made (whatever its state: the
   * recipe decides every byte), with backpressure from the client's connection.
   */
  async export(id: string, query: ExportDatasetQuery): Promise<StreamableFile> {
    const row = await this.found(id);
    const recipe = row.recipe as Recipe;
    const pieces = query.format === 'json' ? jsonExport(recipe) : csvExport(recipe, query.table);
    return new StreamableFile(Readable.from(pieces, { objectMode: false }), {
      type: query.format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${exportFileName(row.id, query.format, query.table)}"`,
    });
  }

  private async found(id: string): Promise<DatasetRow> {
    const row = await this.datasets.find(id);
    if (!row) throw new NotFoundException(`No dataset ${id}`);
    return row;
  }
}
