import { ApiProperty } from '@nestjs/swagger';
import { ResultMetaBody } from '../../results/result-meta.js';
import { VITALS, type Vital } from './stats-requests.dto.js';

const NUMBER_OR_NULL = { type: 'number', nullable: true } as const;

/** One cell of a descriptive table: a vital sign in one arm at one visit. */
export class DescriptiveCell {
  @ApiProperty({ enum: VITALS })
  vital!: Vital;

  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ example: 'Week 12' })
  visit!: string;

  @ApiProperty({ type: 'integer', description: "subjects with a value: each subject once, its earliest record at the visit (as for its baseline)" })
  n!: number;

  @ApiProperty(NUMBER_OR_NULL)
  mean!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'sample standard deviation (n − 1); null when n < 2' })
  sd!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  median!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: '25th percentile, interpolated (percentile_cont)' })
  q1!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: '75th percentile, interpolated (percentile_cont)' })
  q3!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  min!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  max!: number | null;
}

export class DescriptiveResponse {
  @ApiProperty({ example: 'Day 1', description: "the study's baseline visit; a subject's baseline is its earliest measurement there" })
  baseline_visit!: string;

  @ApiProperty({ type: [String], description: 'arms in the study’s display order (arms only in the data last)' })
  arms!: string[];

  @ApiProperty({ type: [String], description: 'visits with data, in schedule order (visits not in the schedule last)' })
  visits!: string[];

  @ApiProperty({ type: [DescriptiveCell], description: 'by vital, visit (schedule order) and arm' })
  values!: DescriptiveCell[];

  @ApiProperty({ type: [DescriptiveCell], description: 'change from baseline at each post-baseline visit of the schedule, by vital, visit and arm' })
  change_from_baseline!: DescriptiveCell[];

  @ApiProperty({ type: 'integer', example: 0, description: 'records (counted in records_used) of subjects without an arm (enrolled, not randomized): in no table or test' })
  records_without_arm?: number; // always set; optional for the study report's fixtures written before it

  @ApiProperty({ type: 'integer', example: 0, description: "records (counted in records_used) left out because the subject has an earlier record at the same visit: a subject counts once per visit, with its earliest record" })
  repeat_records?: number; // always set (as records_without_arm)

  @ApiProperty({ type: ResultMetaBody, description: 'records_used: vital-sign rows in scope' })
  meta!: ResultMetaBody;
}

/** One arm's values in a comparison. */
export class ArmSummary {
  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ type: 'integer', description: 'subjects with a value, each once (its earliest record at the visit)' })
  n!: number;

  @ApiProperty(NUMBER_OR_NULL)
  mean!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'sample standard deviation; null when n < 2' })
  sd!: number | null;
}

/** Welch's t test of one arm against the reference arm. */
export class WelchComparison {
  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ example: 'Placebo' })
  reference!: string;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'mean(arm) − mean(reference)' })
  difference!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  se!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'Welch–Satterthwaite degrees of freedom' })
  df!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  t!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  ci_lower!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  ci_upper!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'two-sided' })
  p_value!: number | null;

  @ApiProperty({ example: 0.95 })
  confidence!: number;

  @ApiProperty({ type: 'string', nullable: true, description: 'why numbers are null, in words' })
  not_computed!: string | null;
}

export class WelchSet {
  @ApiProperty({ type: [ArmSummary] })
  arms!: ArmSummary[];

  @ApiProperty({ type: [WelchComparison], description: 'each arm other than the reference against it' })
  comparisons!: WelchComparison[];
}

export class AncovaAdjustedMeanBody {
  @ApiProperty()
  group!: string;

  @ApiProperty({ type: 'integer' })
  n!: number;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'mean baseline' })
  mean_x!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'mean change from baseline' })
  mean_y!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'mean change at the overall mean baseline' })
  adjusted_mean!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  se!: number | null;
}

export class AncovaComparisonBody {
  @ApiProperty()
  group!: string;

  @ApiProperty()
  reference!: string;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'adjusted mean(group) − adjusted mean(reference)' })
  difference!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  se!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  ci_lower!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  ci_upper!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  t!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, type: 'integer', description: 'residual degrees of freedom, n − arms − 1' })
  df!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'two-sided' })
  p_value!: number | null;
}

export class AncovaGroupEffectBody {
  @ApiProperty(NUMBER_OR_NULL)
  f!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, type: 'integer' })
  df1!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, type: 'integer' })
  df2!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  p_value!: number | null;
}

/** ANCOVA of change from baseline with arm (factor) and baseline value (covariate), common slope. */
export class AncovaBody {
  @ApiProperty()
  reference!: string;

  @ApiProperty({ type: 'integer' })
  n!: number;

  @ApiProperty({ type: 'integer', description: 'number of arms with data' })
  groups!: number;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'overall mean baseline, where adjusted means are taken' })
  covariate_mean!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, description: 'common within-arm slope of change on baseline' })
  slope!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  slope_se!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  slope_t!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  slope_p_value!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  sse!: number | null;

  @ApiProperty({ ...NUMBER_OR_NULL, type: 'integer' })
  df_residual!: number | null;

  @ApiProperty(NUMBER_OR_NULL)
  mse!: number | null;

  @ApiProperty({ type: [AncovaAdjustedMeanBody] })
  adjusted_means!: AncovaAdjustedMeanBody[];

  @ApiProperty({ type: [AncovaComparisonBody] })
  comparisons!: AncovaComparisonBody[];

  @ApiProperty({ type: AncovaGroupEffectBody, description: 'overall F test of arm, adjusted for baseline' })
  group_effect!: AncovaGroupEffectBody;

  @ApiProperty({ example: 0.95 })
  confidence!: number;

  @ApiProperty({ type: 'string', nullable: true })
  not_computed!: string | null;
}

/** The between-arm comparisons of one vital sign at one post-baseline visit. */
export class VisitComparison {
  @ApiProperty({ enum: VITALS })
  vital!: Vital;

  @ApiProperty({ example: 'Week 12' })
  visit!: string;

  @ApiProperty({ type: WelchSet, description: 'Welch tests of the values at the visit' })
  values!: WelchSet;

  @ApiProperty({ type: WelchSet, description: 'Welch tests of change from baseline' })
  change_from_baseline!: WelchSet;

  @ApiProperty({ type: AncovaBody })
  ancova!: AncovaBody;
}

export class ComparisonsResponse {
  @ApiProperty({ example: 'Day 1' })
  baseline_visit!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Placebo', description: "Placebo when the study has it, else its first arm" })
  reference_arm!: string | null;

  @ApiProperty({ type: [String], enum: VITALS })
  vitals!: Vital[];

  @ApiProperty({ type: [String], description: 'post-baseline visits of the schedule, in order' })
  visits!: string[];

  @ApiProperty({ type: [VisitComparison], description: 'by vital, then visit (schedule order)' })
  comparisons!: VisitComparison[];

  @ApiProperty({ type: 'integer', example: 0, description: 'records (counted in records_used) of subjects without an arm (enrolled, not randomized): in no table or test' })
  records_without_arm?: number; // always set; optional for the study report's fixtures written before it

  @ApiProperty({ type: 'integer', example: 0, description: "records (counted in records_used) left out because the subject has an earlier record at the same visit: a subject counts once per visit, with its earliest record" })
  repeat_records?: number; // always set (as records_without_arm)

  @ApiProperty({ type: ResultMetaBody, description: 'records_used: vital-sign rows in scope' })
  meta!: ResultMetaBody;
}

/** The design's endpoint: Welch test of systolic BP at one visit, one arm against a reference arm. */
export class Week12Response {
  @ApiProperty({ enum: ['records', 'stored'], description: 'the records sent, or the stored data of the scope' })
  source!: 'records' | 'stored';

  @ApiProperty({ example: 'Week 12' })
  visit!: string;

  @ApiProperty({ example: 'systolic_bp' })
  vital!: 'systolic_bp';

  @ApiProperty({ type: [ArmSummary], description: 'the compared arm, then the reference arm' })
  arms!: ArmSummary[];

  @ApiProperty({ example: 'Active' })
  arm!: string;

  @ApiProperty({ example: 'Placebo' })
  reference!: string;

  @ApiProperty({ type: 'number', nullable: true, description: 'mean(arm) − mean(reference)' })
  difference!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  se!: number | null;

  @ApiProperty({ description: 'Welch–Satterthwaite degrees of freedom', type: 'number', nullable: true })
  df!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  t!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  ci_lower!: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  ci_upper!: number | null;

  @ApiProperty({ description: 'two-sided', type: 'number', nullable: true })
  p_value!: number | null;

  @ApiProperty({ example: 0.95 })
  confidence!: number;

  @ApiProperty({ type: 'string', nullable: true, description: 'why the test statistics are null (both arms without spread)' })
  not_computed!: string | null;

  @ApiProperty({ type: ResultMetaBody, description: "records_used: the records with a systolic BP at the visit in both arms, a subject's repeats included (n counts each subject once)" })
  meta!: ResultMetaBody;
}
