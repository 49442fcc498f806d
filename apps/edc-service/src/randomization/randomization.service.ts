import { ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import type { Demographics } from '../patients/enrolment/demographics.js';
import { Patient } from '../patients/patient.entity.js';
import { PatientsService } from '../patients/patients.service.js';
import { armAssignedAtCapture, lockSubject } from '../patients/subject-row.js';
import type { StudyDesign } from '../studies/study-design.js';
import { StudyDirectory } from '../studies/study-directory.js';
import type { RandomizationResponse } from './dto/randomization.response.js';
import { type Assignment, assignmentAt, type BlockDesign, UnbalancedDesignError, usableBlockSizes } from './permuted-blocks.js';
import { MissingStratificationFactor, stratumOf } from './strata.js';

/**
 * Randomization at the platform: one transaction locks the subject, then its stratum (an advisory
 * lock), takes the stratum's next slot and derives its arm from the study's secret seed. Slots are
 * unique per stratum (primary key), so concurrent randomizations never share one and the blocks
 * stay balanced. The seed is read only here, inside that transaction, and never returned or logged.
 */
@Injectable()
export class RandomizationService {
  constructor(
    private readonly patients: PatientsService,
    private readonly changes: ClinicalChanges,
    private readonly directory: StudyDirectory,
  ) {}

  async randomize(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<RandomizationResponse> {
    const found = await this.patients.resolve(subjectNumber, protocolId, user);
    return this.changes.change({ actor, reason: 'randomized', action: 'randomize' }, async (db, effects) => {
      const { patient } = await lockSubject(db, found.id);
      refuseUnlessRandomizable(patient);
      // Held until commit: a change of the randomization settings waits, and sees this slot taken.
      const study = await this.directory.findOneForWrite(db, patient.protocolId);
      if (!study) throw new ConflictException(`Study ${patient.protocolId} is not set up: it has no arms to randomize to`);
      if (study.status !== 'enrolling') throw new ConflictException(`Study ${study.protocolId} is ${study.status}: subjects are randomized only while it is enrolling`);
      const design = blockDesignOf(study);
      const stratum = stratumFor(patient, study);
      const assignment = await takeNextSlot(db, patient, stratum, design, actor);
      await db.query(
        `UPDATE patients
            SET treatment_arm = $2, status = 'randomized', status_date = current_date, status_reason = NULL,
                randomized_by_platform = true, randomized_at = now(), updated_at = now()
          WHERE id = $1`,
        [patient.id, assignment.armCode],
      );
      const randomized = await db.getRepository(Patient).findOneByOrFail({ id: patient.id });
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return {
        subject_id: patient.subjectNumber,
        protocol_id: patient.protocolId,
        site_id: patient.siteId,
        treatment_arm: assignment.armCode,
        randomized_at: (randomized.randomizedAt as Date).toISOString(),
        stratum,
      };
    });
  }
}

function refuseUnlessRandomizable(patient: Patient): void {
  if (armAssignedAtCapture(patient)) {
    throw new ConflictException(
      `Subject ${patient.subjectNumber} has an arm assigned at capture (${patient.treatmentArm}, sent with its first record through store-vitals): it is not randomized by the platform`,
    );
  }
  if (patient.status === 'randomized' || patient.randomizedByPlatform) {
    throw new ConflictException(`Subject ${patient.subjectNumber} is already randomized (at ${patient.randomizedAt?.toISOString() ?? 'an earlier time'})`);
  }
  if (patient.status !== 'enrolled') {
    throw new ConflictException(`Subject ${patient.subjectNumber} is ${patient.status}: only an enrolled subject is randomized (POST /edc/patients/${patient.subjectNumber}/status with status enrolled first)`);
  }
}

function blockDesignOf(study: StudyDesign): BlockDesign {
  const design: BlockDesign = { arms: study.arms, blockSizes: study.blockSizes };
  try {
    usableBlockSizes(design);
  } catch (error) {
    if (error instanceof UnbalancedDesignError) throw new ConflictException(`Study ${study.protocolId} cannot randomize: ${error.message}`);
    throw error;
  }
  return design;
}

function stratumFor(patient: Patient, study: StudyDesign): string {
  try {
    return stratumOf({ siteId: patient.siteId, consentDate: patient.consentDate, demographics: patient.demographics as Demographics }, study.stratificationFactors);
  } catch (error) {
    if (error instanceof MissingStratificationFactor) throw new ConflictException(`Subject ${patient.subjectNumber} cannot be randomized: ${error.message}`);
    throw error;
  }
}

/** The stratum's next slot and its arm, recorded; concurrent randomizations in the stratum wait for this transaction. */
async function takeNextSlot(db: EntityManager, patient: Patient, stratum: string, design: BlockDesign, actor: AuditActor): Promise<Assignment> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`randomization:${patient.protocolId}:${stratum}`]);
  const slotNumber = await nextSlot(db, patient.protocolId, stratum);
  const assignment = assignmentAt(await seedOf(db, patient.protocolId), stratum, design, slotNumber);
  await db.query(
    `INSERT INTO randomization_slots (protocol_id, stratum, slot_number, block_number, block_size, arm_code, patient_id, assigned_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [patient.protocolId, stratum, slotNumber, assignment.blockNumber, assignment.blockSize, assignment.armCode, patient.id, actor.userId],
  );
  return assignment;
}

async function nextSlot(db: EntityManager, protocolId: string, stratum: string): Promise<number> {
  const [{ next }]: Array<{ next: number }> = await db.query(
    `SELECT coalesce(max(slot_number), 0)::int + 1 AS next FROM randomization_slots WHERE protocol_id = $1 AND stratum = $2`,
    [protocolId, stratum],
  );
  return next;
}

/** The study's secret: read in the randomization's transaction only, and kept out of every answer and log. */
async function seedOf(db: EntityManager, protocolId: string): Promise<string> {
  const [study]: Array<{ seed: string | null }> = await db.query(`SELECT randomization_seed AS seed FROM studies WHERE protocol_id = $1`, [protocolId]);
  if (!study?.seed) throw new ConflictException(`Study ${protocolId} has no randomization seed: set its randomization up first`);
  return study.seed;
}
