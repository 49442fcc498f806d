import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class VitalsImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: store the valid lines and report the refused ones; default: a refused line refuses the file' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'valid_only must be true or false' })
  valid_only?: 'true' | 'false';
}
