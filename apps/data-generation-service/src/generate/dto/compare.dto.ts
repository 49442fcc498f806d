import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { SourceDto } from './source.dto.js';

/** Two datasets to put side by side: typically a study (or supplied records) and a dataset generated from it. */
export class CompareDto {
  @ApiProperty({ type: SourceDto, example: { protocol_id: 'DEFAULT' } })
  @IsObject({ message: 'source must be an object' })
  @ValidateNested()
  @Type(() => SourceDto)
  source!: SourceDto;

  @ApiProperty({ type: SourceDto, example: { dataset_id: '9f2c4e1a-5b7d-4c3e-8a61-2f0b9d7e6c15' } })
  @IsObject({ message: 'generated must be an object' })
  @ValidateNested()
  @Type(() => SourceDto)
  generated!: SourceDto;
}
