import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ScopeQuery } from '../../scope/scope.dto.js';

export const SDTM_DOMAINS = ['VS', 'DM', 'AE'] as const;
export type SdtmDomain = (typeof SDTM_DOMAINS)[number];
export const SDTM_FORMATS = ['csv', 'dataset-json'] as const;
export type SdtmFormat = (typeof SDTM_FORMATS)[number];

/** Most rows one SDTM page may skip; narrow the scope (a site, a dataset) beyond that. */
export const MAX_SDTM_OFFSET = 100_000_000;
/** Most rows one SDTM page may ask for (without `limit`, every row is streamed). */
export const MAX_SDTM_LIMIT = 10_000_000;
const SDTM_LIMIT_RULE = `limit must be a whole number of rows from 1 to ${MAX_SDTM_LIMIT} (leave it out for every row)`;
/** Subjects per FHIR Bundle: the Bundle is built whole, so a page stays bounded. */
export const FHIR_DEFAULT_LIMIT = 100;
export const FHIR_MAX_LIMIT = 1000;
export const FHIR_MAX_OFFSET = 10_000_000;

export class SdtmExportBody extends ScopeQuery {
  @ApiProperty({ enum: SDTM_DOMAINS, example: 'VS', description: 'the SDTM domain' })
  @IsIn(SDTM_DOMAINS, { message: `domain must be one of ${SDTM_DOMAINS.join(', ')}` })
  domain!: SdtmDomain;

  @ApiPropertyOptional({ enum: SDTM_FORMATS, default: 'csv', description: 'CSV with a header line, or CDISC Dataset-JSON v1.1' })
  @IsOptional()
  @IsIn(SDTM_FORMATS, { message: `format must be one of ${SDTM_FORMATS.join(', ')}` })
  format?: SdtmFormat;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SDTM_LIMIT, description: 'at most this many rows (default: every row, streamed)' })
  @IsOptional()
  @IsInt({ message: SDTM_LIMIT_RULE })
  @Min(1, { message: SDTM_LIMIT_RULE })
  @Max(MAX_SDTM_LIMIT, { message: SDTM_LIMIT_RULE })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SDTM_OFFSET, default: 0, description: 'rows to skip, in the export\'s own order' })
  @IsOptional()
  @IsInt({ message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  @Min(0, { message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  @Max(MAX_SDTM_OFFSET, { message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  offset?: number;
}

const FHIR_LIMIT_RULE = `limit must be a whole number of subjects from 1 to ${FHIR_MAX_LIMIT}`;
const FHIR_OFFSET_RULE = `offset must be a whole number from 0 to ${FHIR_MAX_OFFSET}`;

/** A POST body: limit and offset are JSON integers (not true, not "1e3"). */
export class FhirExportBody extends ScopeQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: FHIR_MAX_LIMIT, default: FHIR_DEFAULT_LIMIT, description: 'subjects in this Bundle' })
  @IsOptional()
  @IsInt({ message: FHIR_LIMIT_RULE })
  @Min(1, { message: FHIR_LIMIT_RULE })
  @Max(FHIR_MAX_LIMIT, { message: FHIR_LIMIT_RULE })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: FHIR_MAX_OFFSET, default: 0, description: 'subjects to skip, by USUBJID order' })
  @IsOptional()
  @IsInt({ message: FHIR_OFFSET_RULE })
  @Min(0, { message: FHIR_OFFSET_RULE })
  @Max(FHIR_MAX_OFFSET, { message: FHIR_OFFSET_RULE })
  offset?: number;
}

/** A query string's number: only a string of digits becomes one ("0x10", "1e3", " 5" stay text and are refused). */
const digitsToNumber = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value);

/** The query string of the `next` link's GET: the same fields and rules, numbers given as digits. */
export class FhirExportQuery extends FhirExportBody {
  // Redeclared only to add the conversion; the base's validation applies.
  @Transform(digitsToNumber)
  override limit?: number = undefined;

  @Transform(digitsToNumber)
  override offset?: number = undefined;
}
