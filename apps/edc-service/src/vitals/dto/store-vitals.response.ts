import { ApiProperty } from '@nestjs/swagger';

/** The design's clients read `records_stored`; the rest tells a retrying client what happened. */
export class StoreVitalsResponse {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'records stored by this request (new ones)' })
  records_stored!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  records_received!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'records that were already stored (a retry) or repeated within the batch' })
  records_already_stored!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  patients_created!: number;

  @ApiProperty({ format: 'uuid', description: 'the batch the stored records carry as `data_batch`' })
  batch_id!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description:
      "queries the study's soft edit checks opened on the stored records (origin 'capture'; none for a record already stored, nor while an identical query is open)",
  })
  queries_opened!: number;
}
