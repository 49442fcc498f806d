import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_TABLES = ['vitals', 'adverse_events', 'subjects'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export class ExportDatasetQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat = 'csv';

  @ApiPropertyOptional({ enum: EXPORT_TABLES, default: 'vitals', description: 'csv only: which table (json carries them all)' })
  @IsOptional()
  @IsIn(EXPORT_TABLES, { message: `table must be one of ${EXPORT_TABLES.join(', ')}` })
  table: ExportTable = 'vitals';
}
