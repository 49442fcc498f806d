import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import type { SourceRow } from '../generators/dataset.js';
import { InvalidSourceRecordError, sourceRowsFromRecords } from '../generators/source-rows.js';
import { SourceRowsRepository } from '../design/source-rows.repository.js';
import type { SourceDto } from './dto/source.dto.js';

/** Stored records a model learns from or a comparison reads: more would be fitted in memory. */
export const MAX_STORED_SOURCE_ROWS = 200_000;

export interface ResolvedSource {
  rows: SourceRow[];
  /** For the manifest: where the rows came from, e.g. `study DEFAULT (1,204 records)`. */
  description: string;
  /** The sites of stored rows (none for records supplied in the request): who may see what is made from them. */
  sites: string[];
}

/** A source as the API names it (a study, a generated dataset, or records given inline) read into rows. */
@Injectable()
export class SourceResolution {
  constructor(private readonly stored: SourceRowsRepository) {}

  async resolve(source: SourceDto, field: string, user: AuthenticatedUser): Promise<ResolvedSource> {
    const given = (['protocol_id', 'dataset_id', 'records'] as const).filter((key) => source[key] !== undefined);
    if (given.length !== 1) {
      throw new BadRequestException({
        message: `${field} must name exactly one of protocol_id (a study's stored vitals), dataset_id (a stored generated dataset) or records`,
        details: [{ field, problems: [given.length === 0 ? 'names no source' : `names ${given.join(' and ')}`] }],
      });
    }
    if (source.records) return { rows: suppliedRows(source.records, field), description: `${source.records.length} supplied records`, sites: [] };
    const stored = source.protocol_id !== undefined ? { protocolId: source.protocol_id } : { datasetId: source.dataset_id as string };
    const { rows, sites } = await this.stored.read(stored, user, MAX_STORED_SOURCE_ROWS);
    const name = 'protocolId' in stored ? `study ${stored.protocolId}` : `dataset ${stored.datasetId}`;
    if (rows.length > MAX_STORED_SOURCE_ROWS) {
      throw new BadRequestException(
        `${field}: ${name} holds more than ${MAX_STORED_SOURCE_ROWS.toLocaleString('en-US')} stored records; learn from a smaller study or supply up to 10,000 records`,
      );
    }
    if (rows.length === 0 && 'datasetId' in stored) throw new NotFoundException(`${field}: no stored vitals of ${name} at sites you may see`);
    return { rows, description: `${name} (${rows.length.toLocaleString('en-US')} stored records)`, sites };
  }
}

function suppliedRows(records: NonNullable<SourceDto['records']>, field: string): SourceRow[] {
  try {
    return sourceRowsFromRecords(records);
  } catch (error) {
    if (error instanceof InvalidSourceRecordError) throw new BadRequestException(`${field}.records: ${error.message}`);
    throw error;
  }
}
