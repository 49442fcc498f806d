import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ScopeQuery } from '../../scope/scope.dto.js';

export const SDTM_DOMAINS = ['VS', 'DM', 'AE'] as const;
export type SdtmDomain = (typeof SDTM_DOMAINS)[number];
export const SDTM_FORMATS = ['csv', 'dataset-json'] as const;
export type SdtmFormat = (typeof SDTM_FORMATS)[number];

/** Most rows one SDTM page may skip; narrow the scope (a site, a dataset) beyond that. */
export const MAX_SDTM_OFFSET = 100_000_000;
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

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'at most this many rows (default: every row, streamed)' })
  @IsOptional()
  @IsInt({ message: 'limit must be a whole number of rows, at least 1' })
  @Min(1, { message: 'limit must be a whole number of rows, at least 1' })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SDTM_OFFSET, default: 0, description: 'rows to skip, in the export\'s own order' })
  @IsOptional()
  @IsInt({ message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  @Min(0, { message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  @Max(MAX_SDTM_OFFSET, { message: `offset must be a whole number from 0 to ${MAX_SDTM_OFFSET}` })
  offset?: number;
}

/** A POST body, or the query string of the `next` link's GET. */
export class FhirExportBody extends ScopeQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: FHIR_MAX_LIMIT, default: FHIR_DEFAULT_LIMIT, description: 'subjects in this Bundle' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number of subjects from 1 to ${FHIR_MAX_LIMIT}` })
  @Min(1, { message: `limit must be a whole number of subjects from 1 to ${FHIR_MAX_LIMIT}` })
  @Max(FHIR_MAX_LIMIT, { message: `limit must be a whole number of subjects from 1 to ${FHIR_MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: FHIR_MAX_OFFSET, default: 0, description: 'subjects to skip, by USUBJID order' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `offset must be a whole number from 0 to ${FHIR_MAX_OFFSET}` })
  @Min(0, { message: `offset must be a whole number from 0 to ${FHIR_MAX_OFFSET}` })
  @Max(FHIR_MAX_OFFSET, { message: `offset must be a whole number from 0 to ${FHIR_MAX_OFFSET}` })
  offset?: number;
}
