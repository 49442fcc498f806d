import { registerDecorator, type ValidationOptions } from 'class-validator';
import { SITE_ID } from '../../generators/request-limits.js';

export { PROTOCOL_ID, PROTOCOL_ID_RULE } from '../../generators/request-limits.js';
export const MAX_SITES = 99;

function rule(name: string, validate: (value: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} ${message}`, ...options },
      validator: { validate },
    });
}

/** `sites`: how many sites (1 to 99), or the site ids themselves. */
export const IsSitesParameter = (): PropertyDecorator =>
  rule(
    'isSitesParameter',
    (value) =>
      (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SITES) ||
      (Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= MAX_SITES &&
        value.every((site) => typeof site === 'string' && SITE_ID.test(site)) &&
        new Set(value).size === value.length),
    `must be a number of sites from 1 to ${MAX_SITES}, or a list of 1 to ${MAX_SITES} distinct site ids such as ["S01", "S02"]`,
  );

/** An object from arm code to a non-negative number up to `max`. */
export const IsRatesByArm = (max: number): PropertyDecorator =>
  rule(
    'isRatesByArm',
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length <= 20 &&
      Object.entries(value).every(([arm, rate]) => arm.length >= 1 && arm.length <= 64 && typeof rate === 'number' && Number.isFinite(rate) && rate >= 0 && rate <= max),
    `must be an object from arm code to a number from 0 to ${max}, e.g. {"Active": 0.8, "Placebo": 0.5}`,
  );
