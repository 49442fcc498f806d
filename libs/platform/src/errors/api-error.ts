import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ApiErrorDetail {
  @ApiProperty({ example: 'records[0].DiastolicBP' })
  field!: string;

  @ApiProperty({ type: [String], example: ['must be lower than SystolicBP'] })
  problems!: string[];
}

/** The one error body every service returns (a class so that the OpenAPI document has its schema). */
export class ApiErrorBody {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'records[0].DiastolicBP must be lower than SystolicBP' })
  message!: string;

  /** Per-field problems for validation errors, e.g. `{ field: 'records[3].SystolicBP', problems: [...] }`. */
  @ApiPropertyOptional({ type: [ApiErrorDetail], description: 'per-field problems, on validation errors' })
  details?: ApiErrorDetail[];

  @ApiPropertyOptional({ description: 'the X-Request-Id of the request', example: '9f1c2d3e-4b5a-6789-8abc-def012345678' })
  requestId?: string;

  @ApiProperty({ description: 'the path the client called', example: '/edc/store-vitals' })
  path!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
}
