import type { EntityManager } from 'typeorm';
import { Patient } from './patient.entity.js';

/**
 * The subject's row, locked until the transaction ends (status changes, corrections and
 * randomization of one subject wait for each other), and the database's date of today.
 */
export async function lockSubject(db: EntityManager, patientId: string): Promise<{ patient: Patient; today: string }> {
  const [{ today }]: Array<{ today: string }> = await db.query(`SELECT current_date::text AS today FROM patients WHERE id = $1 FOR UPDATE`, [patientId]);
  return { patient: await db.getRepository(Patient).findOneByOrFail({ id: patientId }), today };
}

/** Whether the subject's arm came with its first record (store-vitals) rather than from the platform's randomization. */
export const armAssignedAtCapture = (patient: Patient): boolean => patient.treatmentArm !== null && !patient.randomizedByPlatform;
