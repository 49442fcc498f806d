import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { armsMissingFromSource } from '../generators/bootstrap.js';
import type { GenerationMethod, TrialDesign } from '../generators/dataset.js';
import { addDays, offsetOfStudyDay } from '../generators/calendar.js';
import { completedDesign } from '../generators/default-design.js';
import { fitMvn } from '../generators/mvn.js';
import { GenerationParameterError, type GenerationParametersInput, withDefaults } from '../generators/parameters.js';
import { type Preview, preview } from '../generators/preview.js';
import type { Recipe } from '../generators/recipe.js';
import { compareDatasets, type DatasetComparison } from '../generators/compare.js';
import { StudyDesigns } from '../design/study-designs.js';
import { DatasetJobs } from '../datasets/dataset-jobs.service.js';
import type { JobResponse } from '../datasets/dto/job.response.js';
import type { CompareDto } from './dto/compare.dto.js';
import type { GenerationParametersDto, MvnParametersDto } from './dto/generation-parameters.dto.js';
import { SourceResolution } from './source-resolution.js';

export type GenerationAnswer = { stored: false; preview: Preview } | { stored: true; job: JobResponse };

/** A preview is answered in one body: larger datasets are stored (a job) and exported (streamed). */
export const MAX_PREVIEW_RECORDS = 10_000;
export const MAX_PREVIEW_SUBJECTS = 2_500;

/** Turns a request into a recipe (the design read from the EDC, defaults filled, the source fitted), and previews or compares. */
@Injectable()
export class GenerateService {
  constructor(
    private readonly config: PlatformConfig,
    private readonly designs: StudyDesigns,
    private readonly sources: SourceResolution,
    private readonly jobs: DatasetJobs,
  ) {}

  /** A preview, or with `store: true` a background job that stores the dataset in the study (admin, data manager). */
  async generate(method: GenerationMethod, dto: GenerationParametersDto, user: AuthenticatedUser, actor: AuditActor): Promise<GenerationAnswer> {
    if (!dto.store) return { stored: false, preview: await this.preview(method, dto, user) };
    if (!user.roles.some((role) => (ACCESS.storeGeneratedData as readonly string[]).includes(role))) {
      throw new ForbiddenException(`Storing a generated dataset needs one of the roles ${ACCESS.storeGeneratedData.join(', ')}; leave "store" out for a preview`);
    }
    const recipe = await this.recipe(method, dto, user);
    const lastDate = latestDateOf(recipe);
    const today = new Date().toISOString().slice(0, 10);
    if (lastDate > today) {
      throw new BadRequestException({
        message: `Stored data cannot be dated in the future: from reference_date ${recipe.parameters.reference_date}, enrolment and the schedule run to ${lastDate}. Choose an earlier reference_date, or preview it instead`,
        details: [{ field: 'reference_date', problems: [`makes visits run to ${lastDate}, after today`] }],
      });
    }
    const outside = isSiteLimited(user) ? recipe.parameters.sites.filter((site) => !user.siteIds.includes(site)) : [];
    if (outside.length > 0) {
      throw new ForbiddenException(`Sites ${outside.join(', ')} are not among your sites (${user.siteIds.join(', ')}); name your sites in "sites" to store a dataset`);
    }
    return { stored: true, job: await this.jobs.enqueue(user, actor, recipe) };
  }

  async recipe(method: GenerationMethod, dto: GenerationParametersDto, user: AuthenticatedUser): Promise<Recipe> {
    const { store: _store, source: _source, ...input } = dto as MvnParametersDto;
    const protocolId = dto.protocol_id ?? this.config.DEFAULT_PROTOCOL_ID;
    const design = await this.designs.find(protocolId);
    if (!design) {
      throw new NotFoundException(`No study ${protocolId}: set it up with POST /edc/studies, or leave protocol_id out to use the default study`);
    }
    const parameters = parametersOf(method, { ...(input as GenerationParametersInput), protocol_id: protocolId }, design);
    if (method !== 'mvn' && method !== 'bootstrap') return { method, parameters, design };

    const source = await this.sources.resolve((dto as MvnParametersDto).source ?? { protocol_id: protocolId }, 'source', user);
    const arms = completedDesign(design).arms.map((arm) => arm.armCode);
    if (method === 'mvn') return { method, parameters, design, source: { fit: fitMvn(source.rows, design), description: source.description, sites: source.sites } };
    const missing = armsMissingFromSource(source.rows, arms);
    if (missing.length > 0) {
      throw new BadRequestException({
        message: `bootstrap resamples subjects of each arm, but the source (${source.description}) has no subjects in ${missing.map((arm) => `"${arm}"`).join(', ')}`,
        details: [{ field: 'source', problems: [`has no subjects in arm${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] }],
      });
    }
    return { method, parameters, design, source: { rows: source.rows, description: source.description, sites: source.sites } };
  }

  async preview(method: GenerationMethod, dto: GenerationParametersDto, user: AuthenticatedUser): Promise<Preview> {
    const recipe = await this.recipe(method, dto, user);
    const { n_total, errors } = recipe.parameters;
    const visits = method === 'ae' ? 0 : completedDesign(recipe.design).visits.length;
    const records = Math.ceil(n_total * visits * (1 + errors.duplicate_visit));
    if (n_total > MAX_PREVIEW_SUBJECTS || records > MAX_PREVIEW_RECORDS) {
      throw new BadRequestException(
        `A preview holds at most ${MAX_PREVIEW_SUBJECTS.toLocaleString('en-US')} subjects and ${MAX_PREVIEW_RECORDS.toLocaleString('en-US')} records; ` +
          `this asks for ${n_total.toLocaleString('en-US')} subjects and about ${records.toLocaleString('en-US')} records. ` +
          'Store it instead ("store": true) and export it as CSV or JSON, or use npm run generate.',
      );
    }
    return preview(recipe);
  }

  async compare(dto: CompareDto, user: AuthenticatedUser): Promise<DatasetComparison> {
    const [source, generated] = await Promise.all([this.sources.resolve(dto.source, 'source', user), this.sources.resolve(dto.generated, 'generated', user)]);
    return compareDatasets(source.rows, generated.rows);
  }
}

/** The parameters filled in against the design; a combination that does not fit is a 400 naming the field. */
function parametersOf(method: GenerationMethod, input: GenerationParametersInput, design: TrialDesign) {
  try {
    return withDefaults(method, input, design);
  } catch (error) {
    if (!(error instanceof GenerationParameterError)) throw error;
    throw new BadRequestException({ message: `Validation failed: ${error.message}`, details: [{ field: error.field, problems: [error.message.slice(error.field.length + 1)] }] });
  }
}

/** The last day a dataset's visits can fall on: the last subject's Day 1 plus the schedule's latest visit window. */
function latestDateOf(recipe: Recipe): string {
  const { reference_date, enrolment_days } = recipe.parameters;
  const lastVisitDay = Math.max(...completedDesign(recipe.design).visits.map((visit) => visit.plannedDay + visit.windowAfter));
  return addDays(reference_date, enrolment_days + offsetOfStudyDay(lastVisitDay));
}
