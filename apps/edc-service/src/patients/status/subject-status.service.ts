import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../../libs/auth/src/index.js';
import type { ApiErrorDetail } from '../../../../../libs/platform/src/index.js';
import { ClinicalChanges } from '../../clinical-changes/clinical-changes.service.js';
import { StudyDirectory } from '../../studies/study-directory.js';
import { type PatientResponse, toPatientResponse } from '../dto/patient.response.js';
import { type Demographics, demographicsProblems, mergeDemographics } from '../enrolment/demographics.js';
import { Patient } from '../patient.entity.js';
import { PatientsService } from '../patients.service.js';
import { armAssignedAtCapture, lockSubject } from '../subject-row.js';
import { defaultStatusReason, STATUSES_NEEDING_REASON, transitionProblem } from './status-flow.js';
import type { ChangeStatusDto, CorrectSubjectDto } from './subject-status.dto.js';

/** A subject's status changes (with date and reason) and corrections of what enrolment recorded. */
@Injectable()
export class SubjectStatusService {
  constructor(
    private readonly patients: PatientsService,
    private readonly changes: ClinicalChanges,
    private readonly directory: StudyDirectory,
  ) {}

  async changeStatus(subjectNumber: string, protocolId: string | undefined, dto: ChangeStatusDto, user: AuthenticatedUser, actor: AuditActor): Promise<PatientResponse> {
    if (STATUSES_NEEDING_REASON.includes(dto.status) && dto.reason === undefined) {
      throw new BadRequestException({
        message: `Validation failed: reason: is required to record a subject as ${dto.status}`,
        details: [{ field: 'reason', problems: [`is required for ${STATUSES_NEEDING_REASON.join(' and ')}`] }],
      });
    }
    const found = await this.patients.resolve(subjectNumber, protocolId, user);
    const reason = dto.reason ?? defaultStatusReason(dto.status);
    return this.changes.change({ actor, reason, action: 'status_change' }, async (db, effects) => {
      const { patient, today } = await lockSubject(db, found.id);
      const problem = transitionProblem({ status: patient.status, armAssignedAtCapture: armAssignedAtCapture(patient) }, dto.status);
      if (problem) throw new ConflictException(problem);
      if (dto.status === 'enrolled') await this.refuseUnlessEnrolling(db, patient.protocolId);
      const date = dto.date ?? today;
      const earliest = earliestStatusDate(patient);
      if (earliest && date < earliest.date) {
        throw new BadRequestException({
          message: `Validation failed: date: ${date} is before the ${earliest.what} (${earliest.date})`,
          details: [{ field: 'date', problems: [`is before the ${earliest.what} (${earliest.date})`] }],
        });
      }
      await db.query(
        `UPDATE patients
            SET status = $2::text, status_date = $3::date, status_reason = $4::text,
                enrollment_date = CASE WHEN $2::text = 'enrolled' THEN $3::date ELSE enrollment_date END, updated_at = now()
          WHERE id = $1`,
        [patient.id, dto.status, date, dto.reason ?? null],
      );
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return toPatientResponse(await db.getRepository(Patient).findOneByOrFail({ id: patient.id }));
    });
  }

  /** Enrolment (at once or after screening) happens only while the study is enrolling. */
  private async refuseUnlessEnrolling(db: EntityManager, protocolId: string): Promise<void> {
    // KEY SHARE until commit: closing the study waits for this enrolment rather than slipping past it.
    const study = await this.directory.findOneForWrite(db, protocolId);
    if (study && study.status !== 'enrolling') {
      throw new ConflictException(`Study ${protocolId} is ${study.status}: subjects are enrolled only while it is enrolling`);
    }
  }

  async correct(subjectNumber: string, protocolId: string | undefined, dto: CorrectSubjectDto, user: AuthenticatedUser, actor: AuditActor): Promise<PatientResponse> {
    const demographicsChange = dto.demographics ? Object.fromEntries(Object.entries(dto.demographics).filter(([, value]) => value !== undefined)) : {};
    if (dto.consent_date === undefined && Object.keys(demographicsChange).length === 0) {
      throw new BadRequestException({
        message: 'Validation failed: nothing to correct: give consent_date or demographics fields',
        details: [{ field: 'consent_date', problems: ['give consent_date or demographics fields to correct'] }],
      });
    }
    const found = await this.patients.resolve(subjectNumber, protocolId, user);
    return this.changes.change({ actor, reason: dto.reason, action: 'correct' }, async (db, effects) => {
      const { patient } = await lockSubject(db, found.id);
      const stored = patient.demographics as Demographics;
      const demographics = mergeDemographics(stored, demographicsChange);
      const consentDate = dto.consent_date ?? patient.consentDate;
      const problems: ApiErrorDetail[] = [...consentProblems(patient, consentDate), ...demographicsProblems(demographics, consentDate)];
      if (problems.length > 0) {
        throw new BadRequestException({ message: `Validation failed: ${problems[0].field}: ${problems[0].problems[0]}; nothing was changed`, details: problems });
      }
      if (consentDate === patient.consentDate && isDeepStrictEqual(demographics, stored)) {
        throw new BadRequestException({
          message: 'Validation failed: the correction changes nothing: the subject already has these values',
          details: [{ field: dto.consent_date !== undefined ? 'consent_date' : 'demographics', problems: ['changes nothing: the subject already has these values'] }],
        });
      }
      await db.query(`UPDATE patients SET consent_date = $2, demographics = $3::jsonb, updated_at = now() WHERE id = $1`, [
        patient.id,
        consentDate,
        JSON.stringify(demographics),
      ]);
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return toPatientResponse(await db.getRepository(Patient).findOneByOrFail({ id: patient.id }));
    });
  }
}

/** A new status cannot be dated before consent, enrolment, randomization or the current status. */
function earliestStatusDate(patient: Patient): { date: string; what: string } | null {
  const candidates = [
    { date: patient.consentDate, what: 'consent date' },
    { date: patient.enrollmentDate, what: 'enrollment date' },
    { date: patient.randomizedAt?.toISOString().slice(0, 10) ?? null, what: 'randomization date' },
    { date: patient.statusDate, what: `date the subject became ${patient.status}` },
  ].filter((candidate): candidate is { date: string; what: string } => candidate.date !== null);
  return candidates.reduce<{ date: string; what: string } | null>((latest, candidate) => (latest === null || candidate.date > latest.date ? candidate : latest), null);
}

/** Consent comes first: it cannot be dated after enrolment, randomization or the current status. */
function consentProblems(patient: Patient, consentDate: string | null): ApiErrorDetail[] {
  if (consentDate === null) return [];
  const later = [
    { date: patient.enrollmentDate, what: 'enrollment date' },
    { date: patient.randomizedAt?.toISOString().slice(0, 10) ?? null, what: 'randomization date' },
    { date: patient.statusDate, what: 'status date' },
  ].find((candidate) => candidate.date !== null && consentDate > candidate.date);
  return later ? [{ field: 'consent_date', problems: [`is after the subject's ${later.what} (${later.date})`] }] : [];
}
