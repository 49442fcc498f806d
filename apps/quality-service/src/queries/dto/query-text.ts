import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Matches } from 'class-validator';

export const MAX_QUERY_TEXT = 4000;
/** 1 to 4,000 characters (code points) once trimmed, without the NUL character (PostgreSQL cannot store it). */
const QUERY_TEXT = new RegExp(`^[^\\u0000]{1,${MAX_QUERY_TEXT}}$`, 'u');

const trimmed = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** A text of a query's thread (a message, an answer, a reason): trimmed, 1 to 4,000 characters, no NUL. */
export function IsQueryText(name: string, example: string, options: { required: boolean; description?: string }): PropertyDecorator {
  const rule = Matches(QUERY_TEXT, { message: `${name} must be 1 to ${MAX_QUERY_TEXT} characters once trimmed, without the NUL character` });
  const documented = { example, minLength: 1, maxLength: MAX_QUERY_TEXT, description: options.description };
  return options.required
    ? applyDecorators(ApiProperty(documented), trimmed, IsDefined({ message: `${name} is required` }), IsString({ message: `${name} must be text` }), rule)
    : applyDecorators(ApiPropertyOptional(documented), trimmed, IsOptional(), IsString({ message: `${name} must be text` }), rule);
}
