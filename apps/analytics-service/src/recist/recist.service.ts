import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { describeScope, scopeConditions } from '../scope/analysis-scope.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import { referenceArm, StudyDesignReader } from '../scope/study-design.reader.js';
import { twoProportionTest } from '../statistics/index.js';
import type { ArmResponseRatesDto, RecistDto } from './dto/recist.dto.js';
import type { ArmResponseBody, OrrComparisonBody, RecistResponse } from './dto/recist.response.js';
import { wilsonInterval } from './orr-interval.js';
import { armProbabilities, defaultProbabilities, type ResponseProbabilities, ResponseRatesProblem } from './response-model.js';
import { simulateArm } from './simulate-responses.js';

export const SIMULATED_NOTE =
  'SIMULATED: the tumour responses are drawn from a seeded model, not captured from any subject. ' +
  'They illustrate the analysis only; draw no efficacy conclusion from them.';
const CONFIDENCE = 0.95;
/** Without stored data and without arms in the request, these two are simulated. */
const DEFAULT_ARMS = ['Placebo', 'Active'];

interface Simulated {
  source: RecistResponse['source'];
  study: string | null;
  /** Subjects per arm, in the order reported. */
  sizes: Array<{ arm: string; n: number }>;
  reference: string;
  meta: Omit<RecistResponse['meta'], 'computed_at' | 'cached'>;
}

/** Objective response rates per arm, with a two-proportion test, on responses simulated from a seeded model. */
@Injectable()
export class RecistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: AnalysisScopes,
    private readonly designs: StudyDesignReader,
  ) {}

  async simulate(body: RecistDto, user: AuthenticatedUser): Promise<RecistResponse> {
    const given = givenProbabilities(body.response_rates ?? []);
    const subjects = body.subjects_per_arm !== undefined ? this.withoutStoredData(body, body.subjects_per_arm, given) : await this.ofStoredSubjects(body, user, given);
    const arms: ArmResponseBody[] = subjects.sizes.map(({ arm, n }) => {
      const model = given.get(arm) ?? defaultProbabilities(arm === subjects.reference);
      const counts = simulateArm(body.seed, arm, n, model);
      const responders = counts.CR + counts.PR;
      const interval = wilsonInterval(responders, n, CONFIDENCE);
      return { arm, model, n, counts, responders, orr: n > 0 ? responders / n : null, orr_ci_lower: interval?.lower ?? null, orr_ci_upper: interval?.upper ?? null };
    });
    const reference = arms.find((arm) => arm.arm === subjects.reference)!;
    const comparisons: OrrComparisonBody[] = arms
      .filter((arm) => arm !== reference)
      .map((arm) => {
        const test = twoProportionTest(arm.responders, arm.n, reference.responders, reference.n, CONFIDENCE);
        return {
          arm: arm.arm,
          reference_arm: reference.arm,
          difference: test.difference,
          se: test.se,
          ci_lower: test.ci_lower,
          ci_upper: test.ci_upper,
          z: test.z,
          p_value: test.p_value,
          confidence: test.confidence,
          not_computed: test.not_computed,
        };
      });
    return {
      simulated: true,
      note: SIMULATED_NOTE,
      seed: body.seed,
      source: subjects.source,
      study: subjects.study,
      reference_arm: reference.arm,
      arms,
      comparisons,
      meta: { ...subjects.meta, computed_at: new Date().toISOString(), cached: false },
    };
  }

  private withoutStoredData(body: RecistDto, perArm: number, given: Map<string, ResponseProbabilities>): Simulated {
    const scoped = (['study', 'site', 'dataset_id'] as const).filter((field) => body[field] !== undefined);
    if (scoped.length > 0) {
      throw new BadRequestException(`Give either subjects_per_arm (no stored data is read) or a stored scope, not both: drop ${scoped.join(', ')} or subjects_per_arm`);
    }
    const arms = given.size > 0 ? [...given.keys()] : DEFAULT_ARMS;
    return {
      source: 'subjects_per_arm',
      study: null,
      sizes: arms.map((arm) => ({ arm, n: perArm })),
      reference: arms.find((arm) => arm.toLowerCase() === 'placebo') ?? arms[0],
      meta: { scope: null, records_used: 0 },
    };
  }

  /** One response per stored subject of the scope with an arm, by its arm; the study's arms in its order, then any other arm its subjects have. */
  private async ofStoredSubjects(body: RecistDto, user: AuthenticatedUser, given: Map<string, ResponseProbabilities>): Promise<Simulated> {
    const scope = await this.scopes.resolve(body, user);
    const design = await this.designs.read(scope.protocolId);
    const params: unknown[] = [];
    const rows = (await this.dataSource.query(
      `SELECT s.treatment_arm::text AS arm, count(*)::int AS n FROM edc_subjects s
        WHERE ${scopeConditions(scope, 's', params)} AND s.treatment_arm IS NOT NULL
        GROUP BY 1 ORDER BY 1`,
      params,
    )) as Array<{ arm: string; n: number }>;
    const sizes = new Map(rows.map((row) => [row.arm, row.n]));
    const arms = [...design.arms.map((arm) => arm.code), ...rows.map((row) => row.arm).filter((arm) => !design.arms.some((known) => known.code === arm))];
    const unknown = [...given.keys()].filter((arm) => !arms.includes(arm));
    if (unknown.length > 0) {
      throw new BadRequestException(`response_rates names ${unknown.join(', ')}, not an arm of study ${scope.protocolId} (its arms: ${arms.join(', ') || 'none'})`);
    }
    const reference = referenceArm(design) ?? arms[0];
    if (reference === undefined) throw new UnprocessableEntityException(`Study ${scope.protocolId} has no treatment arms and no subject with an arm: there is nothing to simulate`);
    return {
      source: 'stored_subjects',
      study: scope.protocolId,
      sizes: arms.map((arm) => ({ arm, n: sizes.get(arm) ?? 0 })),
      reference,
      meta: { scope: describeScope(scope), records_used: rows.reduce((total, row) => total + row.n, 0) },
    };
  }
}

/** The request's probabilities by arm; 400 naming the entry when an arm repeats or its rates are not a distribution. */
function givenProbabilities(rates: readonly ArmResponseRatesDto[]): Map<string, ResponseProbabilities> {
  const byArm = new Map<string, ResponseProbabilities>();
  const details: Array<{ field: string; problems: string[] }> = [];
  rates.forEach((entry, index) => {
    const field = `response_rates[${index}]`;
    if (byArm.has(entry.arm)) details.push({ field: `${field}.arm`, problems: [`repeats arm ${entry.arm}`] });
    try {
      byArm.set(entry.arm, armProbabilities(entry, field));
    } catch (error) {
      if (!(error instanceof ResponseRatesProblem)) throw error;
      details.push(...error.details);
    }
  });
  if (details.length > 0) {
    const summary = details.map((detail) => `${detail.field}: ${detail.problems.join(', ')}`).join('; ');
    throw new BadRequestException({ message: `Validation failed: ${summary}`, details });
  }
  return byArm;
}
