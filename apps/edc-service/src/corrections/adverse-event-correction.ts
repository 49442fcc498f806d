import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import { type AdverseEventFields, assertAdverseEventRules } from '../adverse-events/adverse-event-fields.js';
import type { CorrectAdverseEventDto } from './dto/correct-adverse-event.dto.js';

export const ADVERSE_EVENT_FIELDS = [
  'term',
  'body_system',
  'onset_date',
  'end_date',
  'severity_grade',
  'serious',
  'relationship',
  'outcome',
  'action_taken',
] as const satisfies ReadonlyArray<keyof AdverseEventFields>;

/** Only an ongoing event's end date may be cleared. */
const NULLABLE: ReadonlyArray<keyof AdverseEventFields> = ['end_date'];

export interface AdverseEventCorrection {
  values: AdverseEventFields;
  changed: Array<keyof AdverseEventFields>;
}

/**
 * The event as the correction leaves it: the stored fields with the given ones replaced, checked
 * with capture's rules between fields. 400 when a field is cleared that must hold a value, when a
 * rule breaks, or when nothing would change.
 */
export function applyAdverseEventCorrection(stored: AdverseEventFields, dto: CorrectAdverseEventDto, now: Date = new Date()): AdverseEventCorrection {
  const given: Partial<AdverseEventFields> = {};
  const problems: ApiErrorDetail[] = [];
  for (const field of ADVERSE_EVENT_FIELDS) {
    const value = dto[field];
    if (value === undefined) continue;
    if (value === null && !NULLABLE.includes(field)) problems.push({ field, problems: ['must hold a value (it cannot be cleared)'] });
    else Object.assign(given, { [field]: value });
  }
  if (problems.length > 0) {
    throw new BadRequestException({ message: `Validation failed: ${problems.map((p) => `${p.field}: ${p.problems[0]}`).join('; ')}`, details: problems });
  }
  const values: AdverseEventFields = { ...stored, ...given };
  assertAdverseEventRules(values, now);
  const changed = ADVERSE_EVENT_FIELDS.filter((field) => values[field] !== stored[field]);
  if (changed.length === 0) {
    const named = Object.keys(given);
    throw new BadRequestException(
      named.length === 0
        ? `Nothing to correct: name at least one of ${ADVERSE_EVENT_FIELDS.join(', ')} with its new value`
        : `Nothing would change: ${named.join(', ')} already hold${named.length === 1 ? 's' : ''} the value given`,
    );
  }
  return { values, changed };
}
