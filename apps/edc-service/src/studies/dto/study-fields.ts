import { registerDecorator, type ValidationOptions } from 'class-validator';
import { subjectIdFormatProblem } from '../subject-id-format.js';

/** 1 to `max` characters (code points, as PostgreSQL counts them), not blank. */
export const text = (max: number): RegExp => new RegExp(`^(?=[\\s\\S]*\\S)[\\s\\S]{1,${max}}$`, 'u');
export const textRule = (field: string, max: number): string => `${field} must be 1 to ${max} characters and not blank`;

/** Visit names and arm codes are written as records name them (VisitName, TreatmentArm: 1-64 characters). */
export const LABEL = text(64);

export const STRATIFICATION_FACTORS = ['site', 'sex', 'age_group', 'race', 'ethnicity'] as const;
export type StratificationFactor = (typeof STRATIFICATION_FACTORS)[number];

export const MAX_SITES = 1_000;
export const MAX_ARMS = 20;
export const MAX_VISITS = 200;
export const MAX_BLOCK_SIZE = 100;
/** A visit planned ten years before or after baseline is a typo. */
export const MAX_STUDY_DAY = 3_650;

export { NotNullWhenGiven } from '../../../../../libs/platform/src/index.js';

/** A usable subject id format (see `subjectIdFormatProblem`), the problem named in the message. */
export function IsSubjectIdFormat(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSubjectIdFormat',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && subjectIdFormatProblem(value) === null,
        defaultMessage: (args) =>
          typeof args?.value === 'string' ? `$property ${subjectIdFormatProblem(args.value)}` : '$property must be a string such as RA001-{seq:3}',
      },
    });
}
