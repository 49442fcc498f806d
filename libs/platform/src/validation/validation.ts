import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import type { ApiErrorDetail } from '../errors/api-error.js';

/** At most this many field problems are listed; a 10,000-record batch could otherwise produce megabytes. */
const MAX_DETAILS = 50;

/** `records.3.SystolicBP` style paths become `records[3].SystolicBP`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ApiErrorDetail[] {
  const details: ApiErrorDetail[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const typeProblem = error.constraints && TYPE_CHECKS.find((name) => name in error.constraints!);
    if (error.constraints && error.value === undefined) {
      details.push({ field, problems: ['is required'] });
    } else if (error.constraints) {
      const problems = (typeProblem ? [error.constraints[typeProblem]] : Object.values(error.constraints)).map((problem) =>
        problem.startsWith(`${error.property} `) ? problem.slice(error.property.length + 1) : problem,
      );
      details.push({ field, problems });
    }
    // A value of the wrong type (a string where a list of records belongs) has no meaningful parts to report.
    if (error.children?.length && !typeProblem) details.push(...flattenValidationErrors(error.children, field));
  }
  return details;
}

/**
 * A value of the wrong type fails every range check too: report only its first type problem, in
 * this order (a non-list `records` fails both `isArray` and `nestedValidation`).
 */
const TYPE_CHECKS = ['isDefined', 'isArray', 'isInt', 'isNumber', 'isString', 'isBoolean', 'nestedValidation', 'whitelistValidation'];

export function validationException(errors: ValidationError[]): BadRequestException {
  const details = flattenValidationErrors(errors);
  const shown = details.slice(0, MAX_DETAILS);
  const summary = shown
    .slice(0, 5)
    .map((detail) => `${detail.field}: ${detail.problems.join(', ')}`)
    .join('; ');
  const more = details.length > 5 ? ` (and ${details.length - 5} more problems, listed in details)` : '';
  return new BadRequestException({ message: `Validation failed: ${summary}${more}`, details: shown });
}

/** The platform's one ValidationPipe: typed conversion, unknown fields rejected, field-path errors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // Values are kept only to tell a missing field from a wrong one; they are never echoed.
    validationError: { target: false, value: true },
    exceptionFactory: validationException,
  });
}

/** Optional, but when given not null (a field that cannot be cleared): `@IsOptional()` would let null through. */
export const NotNullWhenGiven = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
