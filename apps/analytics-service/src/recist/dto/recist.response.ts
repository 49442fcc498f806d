import { ApiProperty } from '@nestjs/swagger';
import { ScopeDescriptionBody } from '../../results/result-meta.js';

export class ResponseProbabilitiesBody {
  @ApiProperty({ example: 0.07 })
  cr!: number;

  @ApiProperty({ example: 0.28 })
  pr!: number;

  @ApiProperty({ example: 0.325 })
  sd!: number;

  @ApiProperty({ example: 0.325 })
  pd!: number;
}

export class ResponseCountsBody {
  @ApiProperty({ type: 'integer', example: 4, description: 'complete response' })
  CR!: number;

  @ApiProperty({ type: 'integer', example: 17, description: 'partial response' })
  PR!: number;

  @ApiProperty({ type: 'integer', example: 20, description: 'stable disease' })
  SD!: number;

  @ApiProperty({ type: 'integer', example: 19, description: 'progressive disease' })
  PD!: number;
}

export class ArmResponseBody {
  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ type: ResponseProbabilitiesBody, description: 'the probabilities the responses were drawn with' })
  model!: ResponseProbabilitiesBody;

  @ApiProperty({ type: 'integer', example: 60, description: 'subjects (CR + PR + SD + PD)' })
  n!: number;

  @ApiProperty({ type: ResponseCountsBody, description: 'simulated best overall responses (RECIST 1.1)' })
  counts!: ResponseCountsBody;

  @ApiProperty({ type: 'integer', example: 21, description: 'CR + PR' })
  responders!: number;

  @ApiProperty({ type: 'number', nullable: true, example: 0.35, description: 'objective response rate, responders / n; null for n = 0' })
  orr!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.2424, description: 'lower bound of the Wilson score 95% interval of the ORR' })
  orr_ci_lower!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.4748 })
  orr_ci_upper!: number | null;
}

export class OrrComparisonBody {
  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ example: 'Placebo' })
  reference_arm!: string;

  @ApiProperty({ type: 'number', nullable: true, example: 0.2, description: 'ORR(arm) − ORR(reference)' })
  difference!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.078, description: 'unpooled standard error of the difference' })
  se!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.047, description: 'Wald 95% interval of the difference' })
  ci_lower!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.353 })
  ci_upper!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 2.5, description: 'z of the two-proportion test (pooled standard error)' })
  z!: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 0.0124, description: 'two-sided (the Pearson chi-square test without continuity correction)' })
  p_value!: number | null;

  @ApiProperty({ example: 0.95 })
  confidence!: number;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'why some numbers are null' })
  not_computed!: string | null;
}

export class RecistMetaBody {
  @ApiProperty({ type: ScopeDescriptionBody, nullable: true, description: 'the stored data read; null when subjects_per_arm was simulated without it' })
  scope!: ScopeDescriptionBody | null;

  @ApiProperty({ type: 'integer', example: 120, description: 'stored subjects read (0 without stored data)' })
  records_used!: number;

  @ApiProperty({ format: 'date-time' })
  computed_at!: string;

  @ApiProperty({ example: false, description: 'never cached' })
  cached!: boolean;
}

export class RecistResponse {
  @ApiProperty({ enum: [true], example: true, description: 'always true: the responses are simulated, not captured' })
  simulated!: true;

  @ApiProperty({ example: 'SIMULATED: the tumour responses are drawn from a seeded model, not captured from any subject. They illustrate the analysis only; draw no efficacy conclusion from them.' })
  note!: string;

  @ApiProperty({ type: 'integer', example: 20260514 })
  seed!: number;

  @ApiProperty({ enum: ['stored_subjects', 'subjects_per_arm'], description: "stored_subjects: one response per stored subject with an arm, by its arm; subjects_per_arm: the request's size, no stored data" })
  source!: 'stored_subjects' | 'subjects_per_arm';

  @ApiProperty({ type: String, nullable: true, example: 'RA001', description: 'the study of the stored subjects; null without stored data' })
  study!: string | null;

  @ApiProperty({ example: 'Placebo', description: 'the arm the others are compared with: Placebo when there is one, else the first arm' })
  reference_arm!: string;

  @ApiProperty({ type: [ArmResponseBody], description: "in the study's arm order (or the request's)" })
  arms!: ArmResponseBody[];

  @ApiProperty({ type: [OrrComparisonBody], description: 'each other arm against the reference arm' })
  comparisons!: OrrComparisonBody[];

  @ApiProperty({ type: RecistMetaBody })
  meta!: RecistMetaBody;
}
