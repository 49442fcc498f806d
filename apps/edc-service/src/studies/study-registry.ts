import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditEventInput } from '../../../../libs/audit/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { writeEffectsOf } from '../clinical-changes/clinical-changes.service.js';
import { studyCacheTag } from './study-cache.js';
import { defaultStudyDesign, openStudyDesign, type StudyDesign } from './study-design.js';

/**
 * Creates studies and their parts. The default study is created with the design's data; a study
 * first named by a captured record is created open (see `openStudyDesign`), and a site first named
 * in a study that takes new sites is added to it. Each creation is returned as an audit event.
 */
@Injectable()
export class StudyRegistry {
  constructor(
    private readonly config: PlatformConfig,
    private readonly cache: CacheService,
  ) {}

  /** Creates the studies that do not exist yet; returns the audit events of those created. */
  async ensureStudies(db: EntityManager, protocolIds: string[]): Promise<AuditEventInput[]> {
    const designs = [...new Set(protocolIds)].map((protocolId) =>
      protocolId === this.config.DEFAULT_PROTOCOL_ID ? defaultStudyDesign(protocolId) : openStudyDesign(protocolId),
    );
    const events: AuditEventInput[] = [];
    for (const design of designs) {
      if (await this.create(db, design, { ifMissing: true })) events.push(studyCreatedEvent(design, 'created with its first record'));
    }
    return events;
  }

  /**
   * Inserts a study with its sites, arms and visits. With `ifMissing`, an existing study is left
   * as it is and false returned; otherwise a duplicate protocol id fails on the primary key.
   */
  async create(db: EntityManager, design: StudyDesign, options: { ifMissing?: boolean; seed?: string } = {}): Promise<boolean> {
    const inserted: unknown[] = await db.query(
      `INSERT INTO studies (protocol_id, title, status, baseline_visit, subject_id_format, allow_new_sites,
                            allow_unscheduled_visits, allow_unlisted_arms, randomization_seed,
                            randomization_block_sizes, stratification_factors)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::smallint[], $11::text[])
       ${options.ifMissing ? 'ON CONFLICT (protocol_id) DO NOTHING' : ''}
       RETURNING protocol_id`,
      [
        design.protocolId,
        design.title,
        design.status,
        design.baselineVisit,
        design.subjectIdFormat,
        design.allowNewSites,
        design.allowUnscheduledVisits,
        design.allowUnlistedArms,
        // Secret: the next assignments follow from it, so it is never shown (only whether it is set).
        options.seed ?? randomBytes(16).toString('hex'),
        design.blockSizes,
        design.stratificationFactors,
      ],
    );
    if (inserted.length === 0) return false;
    await this.touchStudy(db, design.protocolId);
    await this.addSites(db, design.protocolId, design.sites.map((site) => site.siteId), design.sites.map((site) => site.name));
    await this.replaceArms(db, design.protocolId, design);
    await this.replaceVisits(db, design.protocolId, design);
    return true;
  }

  /** Adds sites not in the study yet; returns those added. */
  async addSites(db: EntityManager, protocolId: string, siteIds: string[], names: Array<string | null> = []): Promise<string[]> {
    if (siteIds.length === 0) return [];
    const rows: Array<{ site_id: string }> = await db.query(
      `INSERT INTO study_sites (protocol_id, site_id, name)
       SELECT $1, site_id, name FROM unnest($2::text[], $3::text[]) AS s(site_id, name)
       ON CONFLICT (protocol_id, site_id) DO NOTHING
       RETURNING site_id`,
      [protocolId, siteIds, siteIds.map((_, index) => names[index] ?? null)],
    );
    if (rows.length > 0) await this.touchStudy(db, protocolId);
    return rows.map((row) => row.site_id);
  }

  /**
   * Reads cached with the study (a casebook of one of its subjects shows its title and site names)
   * are outdated by a study created or a site added: bumped after the enclosing write commits, or,
   * outside the EDC's write path, recorded in this transaction for the cache's replay.
   */
  private async touchStudy(db: EntityManager, protocolId: string): Promise<void> {
    const effects = writeEffectsOf(db);
    if (effects) effects.touchStudy(protocolId);
    else await this.cache.recordInvalidation(db, [studyCacheTag(protocolId)]);
  }

  async replaceArms(db: EntityManager, protocolId: string, design: Pick<StudyDesign, 'arms'>): Promise<void> {
    await db.query(`DELETE FROM study_arms WHERE protocol_id = $1`, [protocolId]);
    if (design.arms.length === 0) return;
    await db.query(
      `INSERT INTO study_arms (protocol_id, arm_code, description, allocation_ratio, display_order)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::smallint[], $5::smallint[])`,
      [
        protocolId,
        design.arms.map((arm) => arm.armCode),
        design.arms.map((arm) => arm.description),
        design.arms.map((arm) => arm.allocationRatio),
        design.arms.map((arm) => arm.displayOrder),
      ],
    );
  }

  async replaceVisits(db: EntityManager, protocolId: string, design: Pick<StudyDesign, 'visits'>): Promise<void> {
    await db.query(`DELETE FROM study_visits WHERE protocol_id = $1`, [protocolId]);
    if (design.visits.length === 0) return;
    await db.query(
      `INSERT INTO study_visits (protocol_id, visit_name, display_order, planned_day, window_before, window_after, required)
       SELECT $1, * FROM unnest($2::text[], $3::smallint[], $4::int[], $5::int[], $6::int[], $7::boolean[])`,
      [
        protocolId,
        design.visits.map((visit) => visit.visitName),
        design.visits.map((visit) => visit.displayOrder),
        design.visits.map((visit) => visit.plannedDay),
        design.visits.map((visit) => visit.windowBefore),
        design.visits.map((visit) => visit.windowAfter),
        design.visits.map((visit) => visit.required),
      ],
    );
  }
}

export function studyCreatedEvent(design: StudyDesign, reason?: string): AuditEventInput {
  return {
    action: 'create',
    entityType: 'study',
    entityId: design.protocolId,
    changes: {
      title: { old: null, new: design.title },
      status: { old: null, new: design.status },
      sites: { old: null, new: design.sites.map((site) => site.siteId) },
      arms: { old: null, new: design.arms.map((arm) => `${arm.armCode} (${arm.allocationRatio})`) },
      visits: { old: null, new: design.visits.map((visit) => visit.visitName) },
    },
    reason: reason ?? null,
  };
}
