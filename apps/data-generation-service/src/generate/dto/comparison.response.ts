import { ApiProperty } from '@nestjs/swagger';

const MATRIX = { type: 'array', items: { type: 'array', items: { type: 'number', nullable: true } } } as const;

export class SampleSummaryResponse {
  @ApiProperty({ type: 'integer' }) n!: number;
  @ApiProperty({ type: Number, nullable: true }) mean!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null below two records' }) sd!: number | null;
}

export class VariableComparisonResponse {
  @ApiProperty({ type: SampleSummaryResponse }) source!: SampleSummaryResponse;
  @ApiProperty({ type: SampleSummaryResponse }) generated!: SampleSummaryResponse;
  @ApiProperty({ type: Number, nullable: true, description: 'generated − source' }) mean_difference!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'generated SD / source SD' }) sd_ratio!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'two-sample Kolmogorov–Smirnov distance' }) ks_d!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'its asymptotic p-value (conservative with ties)' }) ks_p_value!: number | null;
}

export class VariableComparisonsResponse {
  @ApiProperty({ type: VariableComparisonResponse }) systolic_bp!: VariableComparisonResponse;
  @ApiProperty({ type: VariableComparisonResponse }) diastolic_bp!: VariableComparisonResponse;
  @ApiProperty({ type: VariableComparisonResponse }) heart_rate!: VariableComparisonResponse;
  @ApiProperty({ type: VariableComparisonResponse }) temperature!: VariableComparisonResponse;
}

export class VisitComparisonResponse {
  @ApiProperty() visit!: string;
  @ApiProperty({ type: VariableComparisonsResponse }) variables!: VariableComparisonsResponse;
}

export class ArmVisitComparisonResponse {
  @ApiProperty() arm!: string;
  @ApiProperty() visit!: string;
  @ApiProperty({ type: VariableComparisonsResponse }) variables!: VariableComparisonsResponse;
}

export class CorrelationComparisonResponse {
  @ApiProperty({ type: [String], example: ['systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'] }) variables!: string[];
  @ApiProperty({ ...MATRIX, description: 'Pearson correlations of the source, in the order of variables' }) source!: Array<Array<number | null>>;
  @ApiProperty({ ...MATRIX, description: 'of the generated dataset' }) generated!: Array<Array<number | null>>;
  @ApiProperty({ ...MATRIX }) absolute_difference!: Array<Array<number | null>>;
  @ApiProperty({ type: Number, nullable: true }) max_absolute_difference!: number | null;
}

/** How close a generated dataset is to its source. */
export class ComparisonResponse {
  @ApiProperty({ type: 'integer' }) source_records!: number;
  @ApiProperty({ type: 'integer' }) generated_records!: number;
  @ApiProperty({ type: VariableComparisonsResponse }) overall!: VariableComparisonsResponse;
  @ApiProperty({ type: [VisitComparisonResponse] }) by_visit!: VisitComparisonResponse[];
  @ApiProperty({ type: [ArmVisitComparisonResponse] }) by_arm_visit!: ArmVisitComparisonResponse[];
  @ApiProperty({ type: CorrelationComparisonResponse }) correlation!: CorrelationComparisonResponse;
}
