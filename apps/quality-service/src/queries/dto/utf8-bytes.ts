import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * At most `max` bytes once encoded in UTF-8, as PostgreSQL stores it: a limit on characters alone
 * lets 4-byte characters (emoji, rare scripts) quadruple the size that reaches an index.
 */
export function MaxUtf8Bytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      constraints: [max],
      validator: { validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max },
    },
    options,
  );
}
