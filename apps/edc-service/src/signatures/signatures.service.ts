import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, type ConfirmedUser, PasswordConfirmation } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { PatientsService } from '../patients/patients.service.js';
import { DEFAULT_MEANING, type SignCasebookDto } from './dto/sign-casebook.dto.js';
import { type SignatureRow, type SubjectSignatureResponse, type SubjectSignaturesResponse, toSignatureResponse } from './dto/signature.response.js';

const SIGNATURE_COLUMNS = `id, signer_id, signer_username, signer_full_name, meaning, signed_at, invalidated_at, invalidated_by`;

export const PASSWORD_MISMATCH = 'The password does not match; nothing was signed';

/**
 * Electronic signatures of a subject's casebook (21 CFR Part 11): the signer's identity (their
 * session) and password checked again, their printed name, the time and the meaning stored with
 * it. The database invalidates a signature when the subject's data changes afterwards.
 */
@Injectable()
export class SignaturesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly changes: ClinicalChanges,
    private readonly passwords: PasswordConfirmation,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async sign(subjectNumber: string, protocolId: string | undefined, dto: SignCasebookDto, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectSignatureResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const check = await this.passwords.confirm(user, dto.password);
    if (!check.confirmed) {
      await this.changes.write(actor, async (_db, effects) => effects.audit(refusal(patient, 'the password did not match')));
      throw new ForbiddenException(PASSWORD_MISMATCH);
    }
    const fullName = check.user.fullName?.trim();
    if (!fullName) {
      throw new ConflictException(
        'Your account has no full name, which a signature shows as its printed name (21 CFR 11.50): ask an admin to set it (PATCH /security/users/:id with full_name); nothing was signed',
      );
    }
    const signature = await this.changes.write(actor, async (db, effects) => {
      // Waits for writes of the subject's data in flight, so the signature covers what they wrote,
      // and makes later ones wait for it, so they see it and invalidate it.
      await db.query(`SELECT id FROM patients WHERE id = $1 FOR UPDATE`, [patient.id]);
      const [row]: SignatureRow[] = await db.query(
        `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning, signed_at)
         VALUES ($1, $2, $3, $4, $5, clock_timestamp())
         RETURNING ${SIGNATURE_COLUMNS}`,
        [patient.id, check.user.id, check.user.username, fullName, dto.meaning ?? DEFAULT_MEANING],
      );
      effects.audit(signed(patient, row, check.user));
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return row;
    });
    return { subject_id: patient.subjectNumber, protocol_id: patient.protocolId, ...toSignatureResponse(signature) };
  }

  /** Every signature, valid or not, read from the database every time (whatever wrote since, the answer is current). */
  async list(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectSignaturesResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const rows: SignatureRow[] = await this.dataSource.query(
      `SELECT ${SIGNATURE_COLUMNS} FROM edc_signatures WHERE patient_id = $1 ORDER BY signed_at, id`,
      [patient.id],
    );
    this.readAudit.recordRead(actor, [{ subject: patient.subjectNumber, entityId: patient.id }]);
    return {
      patient_id: patient.id,
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      site_id: patient.siteId,
      treatment_arm: patient.treatmentArm,
      signatures: rows.map(toSignatureResponse),
    };
  }
}

function refusal(patient: Patient, why: string) {
  return { action: 'signature_refused', entityType: 'patient', entityId: patient.id, subject: patient.subjectNumber, reason: why };
}

function signed(patient: Patient, row: SignatureRow, signer: ConfirmedUser) {
  return {
    action: 'sign',
    entityType: 'patient',
    entityId: patient.id,
    subject: patient.subjectNumber,
    changes: {
      signature_id: { old: null, new: row.id },
      signer_full_name: { old: null, new: row.signer_full_name },
      meaning: { old: null, new: row.meaning },
      signed_at: { old: null, new: row.signed_at.toISOString() },
    },
    reason: `signed by ${signer.username}`,
  };
}
