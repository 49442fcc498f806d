import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor, AuditEventInput } from '../../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../../libs/auth/src/index.js';
import { CLINICAL_CODE } from '../../clinical-codes.js';
import { ClinicalChanges } from '../../clinical-changes/clinical-changes.service.js';
import type { StudyDesign } from '../../studies/study-design.js';
import { StudyDirectory } from '../../studies/study-directory.js';
import { StudyRegistry } from '../../studies/study-registry.js';
import { allowedSites } from '../../studies/study-rules.js';
import { type PatientResponse, toPatientResponse } from '../dto/patient.response.js';
import { Patient } from '../patient.entity.js';
import { type Demographics, demographicsProblems, pickDemographics } from './demographics.js';
import type { EnrolSubjectDto } from './enrol-subject.dto.js';
import { sequenceLockKey, sequencePattern, subjectNumberAt } from './subject-numbering.js';

/** A subject number taken by a concurrent enrolment between reading the sequence and inserting: read again. */
const NUMBERING_ATTEMPTS = 5;

/** Enrolment: a subject recorded at a site of an enrolling study, screened or enrolled at once. */
@Injectable()
export class EnrolmentService {
  constructor(
    private readonly changes: ClinicalChanges,
    private readonly directory: StudyDirectory,
    private readonly registry: StudyRegistry,
  ) {}

  async enrol(protocolId: string, dto: EnrolSubjectDto, user: AuthenticatedUser, actor: AuditActor): Promise<PatientResponse> {
    if (!mayAccessSite(user, dto.site_id)) {
      throw new ForbiddenException(`site_id ${dto.site_id} is not one of your sites (${user.siteIds.join(', ')}); nothing was stored`);
    }
    const demographics = pickDemographics({ ...dto.demographics });
    const problems = demographicsProblems(demographics, dto.consent_date);
    if (problems.length > 0) {
      throw new BadRequestException({ message: `Validation failed: ${problems[0].field}: ${problems[0].problems[0]}; nothing was stored`, details: problems });
    }
    return this.changes.write(actor, async (db, effects) => {
      // KEY SHARE until commit: a study closed, a site closed or a format changed meanwhile waits for this enrolment.
      const study = await this.directory.findOneForWrite(db, protocolId);
      if (!study) throw new NotFoundException(`No study ${protocolId}`);
      if (study.status !== 'enrolling') {
        throw new ConflictException(`Study ${protocolId} is ${study.status}: subjects are enrolled only while it is enrolling`);
      }
      if (dto.enrol === true) await refuseConsentAfterToday(db, dto.consent_date);
      const addedSite = await this.admitSite(db, study, dto.site_id, user);
      const subjectNumber = await this.insert(db, study, dto, demographics);
      const patient = await db.getRepository(Patient).findOneByOrFail({ protocolId, subjectNumber });
      if (addedSite) effects.audit(addedSite);
      effects.audit(subjectEnrolledEvent(patient));
      effects.touchSubject(subjectNumber, protocolId);
      return toPatientResponse(patient);
    });
  }

  /** The site must be an active site of the study, or new to a study that takes new sites (then it is added). */
  private async admitSite(db: EntityManager, study: StudyDesign, siteId: string, user: AuthenticatedUser): Promise<AuditEventInput | null> {
    const site = study.sites.find((candidate) => candidate.siteId === siteId);
    if (site && !site.active) throw new ConflictException(`Site ${siteId} of study ${study.protocolId} is closed: it enrols no subjects`);
    if (site) return null;
    if (!study.allowNewSites) {
      const active = allowedSites(study, user);
      throw new BadRequestException({
        message: `site_id ${siteId} is not a site of study ${study.protocolId}; nothing was stored`,
        details: [{ field: 'site_id', problems: [`is not a site of study ${study.protocolId} (allowed: ${active.join(', ') || 'none set up yet'})`] }],
      });
    }
    const added = await this.registry.addSites(db, study.protocolId, [siteId]);
    if (added.length === 0) return null;
    return { action: 'add_sites', entityType: 'study', entityId: study.protocolId, changes: { sites: { old: null, new: added } }, reason: 'named by an enrolment' };
  }

  /** Inserts the subject under the number given, or the next one of the study's format; returns the number. */
  private async insert(db: EntityManager, study: StudyDesign, dto: EnrolSubjectDto, demographics: Demographics): Promise<string> {
    if (dto.subject_id !== undefined) {
      if (await this.insertAs(db, study, dto, demographics, dto.subject_id)) return dto.subject_id;
      throw new ConflictException(`Subject ${dto.subject_id} already exists in study ${study.protocolId}; nothing was stored`);
    }
    const format = study.subjectIdFormat;
    if (!format) {
      throw new BadRequestException({
        message: `subject_id is required: study ${study.protocolId} has no subject_id_format to number subjects from; nothing was stored`,
        details: [{ field: 'subject_id', problems: [`is required (study ${study.protocolId} has no subject_id_format)`] }],
      });
    }
    // One enrolment at a time numbers from a sequence; the lock ends with the transaction.
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [sequenceLockKey(study.protocolId, format, dto.site_id)]);
    for (let attempt = 1; attempt <= NUMBERING_ATTEMPTS; attempt += 1) {
      const [{ highest }]: Array<{ highest: string | null }> = await db.query(
        `SELECT max(substring(subject_number FROM $2)::bigint)::text AS highest FROM patients WHERE protocol_id = $1 AND subject_number ~ $2`,
        [study.protocolId, sequencePattern(format, dto.site_id)],
      );
      const subjectNumber = subjectNumberAt(format, dto.site_id, Number(highest ?? 0) + 1);
      if (!CLINICAL_CODE.test(subjectNumber)) {
        throw new ConflictException(`Study ${study.protocolId}'s subject_id_format ${format} gives ${subjectNumber}, which is not a usable subject number; give subject_id`);
      }
      // A number taken by an enrolment that named it explicitly while this one read the sequence.
      if (await this.insertAs(db, study, dto, demographics, subjectNumber)) return subjectNumber;
    }
    throw new ConflictException(`Could not number a subject of study ${study.protocolId} from its format: numbers kept being taken; try again`);
  }

  private async insertAs(db: EntityManager, study: StudyDesign, dto: EnrolSubjectDto, demographics: Demographics, subjectNumber: string): Promise<boolean> {
    const enrolled = dto.enrol === true;
    const inserted: unknown[] = await db.query(
      `INSERT INTO patients (protocol_id, subject_number, site_id, status, status_date, enrollment_date, consent_date,
                             demographics, treatment_arm, randomized_by_platform)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN current_date END, CASE WHEN $5 THEN current_date END, $6, $7::jsonb, NULL, false)
       ON CONFLICT (protocol_id, subject_number) DO NOTHING
       RETURNING id`,
      [study.protocolId, subjectNumber, dto.site_id, enrolled ? 'enrolled' : 'screened', enrolled, dto.consent_date, JSON.stringify(demographics)],
    );
    return inserted.length > 0;
  }
}

/** Enrolled today: consent cannot come later (the validator allows a day ahead for time zones). */
async function refuseConsentAfterToday(db: EntityManager, consentDate: string): Promise<void> {
  const [{ today }]: Array<{ today: string }> = await db.query(`SELECT current_date::text AS today`);
  if (consentDate <= today) return;
  throw new BadRequestException({
    message: `Validation failed: consent_date: ${consentDate} is after today's enrollment (${today}); nothing was stored`,
    details: [{ field: 'consent_date', problems: [`is after the enrollment date (${today})`] }],
  });
}

function subjectEnrolledEvent(patient: Patient): AuditEventInput {
  const values: Record<string, unknown> = {
    protocol_id: patient.protocolId,
    subject_number: patient.subjectNumber,
    site_id: patient.siteId,
    status: patient.status,
    status_date: patient.statusDate,
    enrollment_date: patient.enrollmentDate,
    consent_date: patient.consentDate,
    demographics: patient.demographics,
  };
  return {
    action: 'create',
    entityType: 'patient',
    entityId: patient.id,
    subject: patient.subjectNumber,
    changes: Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { old: null, new: value }])),
  };
}
