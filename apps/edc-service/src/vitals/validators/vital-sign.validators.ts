import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** The property must be strictly lower than another numeric property of the same object. */
export function IsLowerThan(otherProperty: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLowerThan',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [otherProperty],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const other = (args.object as Record<string, unknown>)[otherProperty];
          if (typeof value !== 'number' || typeof other !== 'number') return true; // type checks report those
          return value < other;
        },
        defaultMessage: () => `$property must be lower than ${otherProperty}`,
      },
    });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Clocks at sites drift; a measurement this far ahead of the server is still accepted. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function isRealDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date (YYYY-MM-DD) that exists and is not after today (UTC, plus one day for time zones). */
export function IsPastCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !DATE_ONLY.test(value) || !isRealDate(value)) return false;
          return Date.parse(`${value}T00:00:00Z`) <= Date.now() + 24 * 60 * 60 * 1000;
        },
        defaultMessage: () => '$property must be a real date written YYYY-MM-DD, not in the future',
      },
    });
}

/** An ISO 8601 timestamp with a time zone (Z or ±hh:mm), not in the future. */
export function IsPastTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || !DATE_TIME_WITH_ZONE.test(value) || !isRealDate(value)) return false;
          const time = Date.parse(value);
          return Number.isFinite(time) && time <= Date.now() + CLOCK_SKEW_MS;
        },
        defaultMessage: () =>
          '$property must be an ISO 8601 timestamp with a time zone, such as 2026-03-01T09:30:00Z, not in the future',
      },
    });
}
