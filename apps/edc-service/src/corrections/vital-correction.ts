import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { CorrectVitalDto } from './dto/correct-vital.dto.js';

/** The values of a vital-sign record a correction may change, named and written as the reads show them. */
export interface VitalValues {
  visit_name: string;
  visit_date: string | null;
  /** ISO 8601 in UTC. */
  measurement_time: string | null;
  systolic_bp: number;
  diastolic_bp: number;
  heart_rate: number;
  temperature: number;
  respiratory_rate: number | null;
}

export const VITAL_FIELDS = [
  'visit_name',
  'visit_date',
  'measurement_time',
  'systolic_bp',
  'diastolic_bp',
  'heart_rate',
  'temperature',
  'respiratory_rate',
] as const satisfies ReadonlyArray<keyof VitalValues>;

export interface VitalCorrection {
  values: VitalValues;
  /** The fields whose value differs from the stored one. */
  changed: Array<keyof VitalValues>;
}

/**
 * The record as the correction leaves it: the stored values with the given fields replaced.
 * 400 when a rule between fields breaks (diastolic below systolic, whichever of them changes)
 * or when nothing would change.
 */
export function applyVitalCorrection(stored: VitalValues, dto: CorrectVitalDto): VitalCorrection {
  const given: Partial<VitalValues> = {};
  for (const field of VITAL_FIELDS) {
    const value = dto[field];
    if (value !== undefined) Object.assign(given, { [field]: value });
  }
  if (given.visit_name !== undefined) given.visit_name = given.visit_name.trim();
  if (given.measurement_time) given.measurement_time = new Date(given.measurement_time).toISOString();
  const values: VitalValues = { ...stored, ...given };
  const problems: ApiErrorDetail[] = [];
  if (values.diastolic_bp >= values.systolic_bp) {
    problems.push(
      given.diastolic_bp !== undefined
        ? { field: 'diastolic_bp', problems: [`must be lower than systolic_bp (${values.systolic_bp}${given.systolic_bp === undefined ? ', as stored' : ''})`] }
        : { field: 'systolic_bp', problems: [`must be higher than diastolic_bp (${values.diastolic_bp}, as stored)`] },
    );
  }
  if (problems.length > 0) {
    throw new BadRequestException({ message: `Validation failed: ${problems[0].field}: ${problems[0].problems[0]}`, details: problems });
  }
  const changed = VITAL_FIELDS.filter((field) => values[field] !== stored[field]);
  if (changed.length === 0) {
    const named = Object.keys(given);
    throw new BadRequestException(
      named.length === 0
        ? `Nothing to correct: name at least one of ${VITAL_FIELDS.join(', ')} with its new value`
        : `Nothing would change: ${named.join(', ')} already hold${named.length === 1 ? 's' : ''} the value given`,
    );
  }
  return { values, changed };
}
