import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TrialDesign } from '../generators/dataset.js';

interface StudyRow {
  subject_id_format: string | null;
  baseline_visit: string | null;
  arms: Array<{ arm_code: string; allocation_ratio: number }> | null;
  visits: Array<{ visit_name: string; planned_day: number; window_before: number; window_after: number; required: boolean }> | null;
  sites: string[] | null;
}

/** A study's design as generation needs it, read through the views the EDC publishes (never its tables). */
@Injectable()
export class StudyDesigns {
  constructor(private readonly dataSource: DataSource) {}

  /** The study, or null when the EDC has no study with that protocol id. */
  async find(protocolId: string): Promise<TrialDesign | null> {
    const rows: StudyRow[] = await this.dataSource.query(
      `SELECT s.subject_id_format, s.baseline_visit,
              (SELECT json_agg(json_build_object('arm_code', a.arm_code, 'allocation_ratio', a.allocation_ratio)
                               ORDER BY a.display_order, a.arm_code)
                 FROM edc_study_arms a WHERE a.protocol_id = s.protocol_id) AS arms,
              (SELECT json_agg(json_build_object('visit_name', v.visit_name, 'planned_day', v.planned_day, 'window_before', v.window_before,
                                                 'window_after', v.window_after, 'required', v.required)
                               ORDER BY v.display_order, v.visit_name)
                 FROM edc_study_visits v WHERE v.protocol_id = s.protocol_id) AS visits,
              (SELECT array_agg(t.site_id ORDER BY t.site_id)
                 FROM edc_study_sites t WHERE t.protocol_id = s.protocol_id AND t.active) AS sites
         FROM edc_studies s
        WHERE s.protocol_id = $1`,
      [protocolId],
    );
    const [row] = rows;
    if (!row) return null;
    return {
      protocolId,
      subjectIdFormat: row.subject_id_format,
      baselineVisit: row.baseline_visit,
      arms: (row.arms ?? []).map((arm) => ({ armCode: arm.arm_code, allocationRatio: arm.allocation_ratio })),
      visits: (row.visits ?? []).map((visit) => ({
        visitName: visit.visit_name,
        plannedDay: visit.planned_day,
        windowBefore: visit.window_before,
        windowAfter: visit.window_after,
        required: visit.required,
      })),
      sites: row.sites ?? [],
    };
  }
}
