import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StudyDesign } from './study-design.js';

/** Studies with their sites, arms and visits, read in one statement. The randomization seed is never read here. */
@Injectable()
export class StudyDirectory {
  async find(db: EntityManager, protocolIds: string[]): Promise<Map<string, StudyDesign>> {
    const rows: StudyDesign[] = await db.query(
      `SELECT s.protocol_id AS "protocolId", s.title, s.status, s.baseline_visit AS "baselineVisit",
              s.subject_id_format AS "subjectIdFormat", s.allow_new_sites AS "allowNewSites",
              s.allow_unscheduled_visits AS "allowUnscheduledVisits", s.allow_unlisted_arms AS "allowUnlistedArms",
              s.randomization_block_sizes::int[] AS "blockSizes", s.stratification_factors AS "stratificationFactors",
              coalesce((SELECT json_agg(json_build_object('siteId', x.site_id, 'name', x.name, 'active', x.active) ORDER BY x.site_id)
                          FROM study_sites x WHERE x.protocol_id = s.protocol_id), '[]') AS sites,
              coalesce((SELECT json_agg(json_build_object('armCode', a.arm_code, 'description', a.description,
                                                          'allocationRatio', a.allocation_ratio, 'displayOrder', a.display_order)
                                        ORDER BY a.display_order, a.arm_code)
                          FROM study_arms a WHERE a.protocol_id = s.protocol_id), '[]') AS arms,
              coalesce((SELECT json_agg(json_build_object('visitName', v.visit_name, 'displayOrder', v.display_order,
                                                          'plannedDay', v.planned_day, 'windowBefore', v.window_before,
                                                          'windowAfter', v.window_after, 'required', v.required)
                                        ORDER BY v.display_order, v.visit_name)
                          FROM study_visits v WHERE v.protocol_id = s.protocol_id), '[]') AS visits
         FROM studies s
        WHERE s.protocol_id = ANY ($1::text[])`,
      [protocolIds],
    );
    return new Map(rows.map((study) => [study.protocolId, study]));
  }

  async findOne(db: EntityManager, protocolId: string): Promise<StudyDesign | undefined> {
    return (await this.find(db, [protocolId])).get(protocolId);
  }

  /**
   * For a write that relies on the design (a randomization, an enrolment): locks the study's row
   * FOR KEY SHARE until the transaction ends, so a change to the study's set-up (which locks it FOR
   * UPDATE) waits for the write, or the write reads what the change left.
   */
  async findOneForWrite(db: EntityManager, protocolId: string): Promise<StudyDesign | undefined> {
    const locked: unknown[] = await db.query(`SELECT 1 FROM studies WHERE protocol_id = $1 FOR KEY SHARE`, [protocolId]);
    return locked.length === 0 ? undefined : this.findOne(db, protocolId);
  }
}
