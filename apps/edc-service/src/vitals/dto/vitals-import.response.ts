import { ApiProperty } from '@nestjs/swagger';
import { StoreVitalsResponse } from './store-vitals.response.js';

/** store-vitals' answer for the accepted lines, plus what happened to every line of the file. */
export class VitalsImportResponse extends StoreVitalsResponse {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'data lines in the file (the header not counted)' })
  lines_received!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'lines refused (only with valid_only=true; otherwise a refused line refuses the file)' })
  lines_refused!: number;

  @ApiProperty({
    type: [String],
    example: ['line 3: SystolicBP must not be greater than 300'],
    description: 'the refused lines with their problems, in line order (at most 1,000 lines listed; lines_refused counts them all)',
  })
  errors!: string[];
}
