import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { SourceRow } from '../generators/dataset.js';

/** Where mvn and bootstrap learn from: a study's stored vitals, or a stored generated dataset's. */
export type StoredSource = { protocolId: string } | { datasetId: string };

/** Stored rows and the sites they came from (a user limited to sites gets only theirs). */
export interface StoredRows {
  rows: SourceRow[];
  sites: string[];
}

interface VitalRow {
  site_id: string | null;
  subject_number: string;
  treatment_arm: string;
  visit_name: string;
  systolic_bp: number;
  diastolic_bp: number;
  heart_rate: number;
  temperature: string;
}

/**
 * Stored vitals as source rows, read through the EDC's `edc_vitals` view (records entered in
 * error are not in it). A user limited to sites learns only from those sites. Rows come in a fixed
 * order, so a fit of the same data gives the same numbers.
 */
@Injectable()
export class SourceRowsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** At most `limit` rows; answers `limit + 1` rows when there are more, so the caller can say so. */
  async read(source: StoredSource, user: AuthenticatedUser, limit: number): Promise<StoredRows> {
    const byStudy = 'protocolId' in source;
    const rows: VitalRow[] = await this.dataSource.query(
      `SELECT site_id, subject_number, treatment_arm, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature
         FROM edc_vitals
        WHERE ${byStudy ? 'protocol_id = $1' : 'dataset_id = $1::uuid'}
          AND treatment_arm IS NOT NULL
          AND ($2::text[] IS NULL OR site_id = ANY ($2::text[]))
        ORDER BY subject_number, visit_name, measurement_time NULLS FIRST, vital_sign_id
        LIMIT $3`,
      [byStudy ? source.protocolId : source.datasetId, isSiteLimited(user) ? user.siteIds : null, limit + 1],
    );
    const sites = [...new Set(rows.flatMap((row) => (row.site_id === null ? [] : [row.site_id])))].sort();
    const sourceRows = rows.map((row) => ({
      subject: row.subject_number,
      arm: row.treatment_arm,
      visit: row.visit_name,
      systolic: row.systolic_bp,
      diastolic: row.diastolic_bp,
      heartRate: row.heart_rate,
      temperature: Number(row.temperature),
    }));
    return { rows: sourceRows, sites };
  }
}
