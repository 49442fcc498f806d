import { type ContentHasher, contentHasher } from './content-hash.js';
import type { GenerationMethod, InjectedError, Omission, SubjectBlock, TrialDesign } from './dataset.js';
import { completedDesign } from './default-design.js';
import type { GenerationParameters } from './parameters.js';
import type { Recipe } from './recipe.js';
import { softwareVersion } from '../../../../libs/config/src/index.js';

/** What a dataset is and how it was made: enough to make it again and to check a copy. */
export interface Manifest {
  method: GenerationMethod;
  parameters: GenerationParameters;
  seed: number;
  reference_date: string;
  software_version: string;
  design: { protocol: string; arms: TrialDesign['arms']; visits: TrialDesign['visits'] };
  /** Where mvn and bootstrap took their data from. */
  source?: string;
  counts: ManifestCounts;
  injected_errors: InjectedError[];
  omissions: Omission[];
  content_hash: string;
}

export interface ManifestCounts {
  subjects: number;
  records: number;
  adverse_events: number;
  injected_errors: number;
  not_storable_records: number;
  missing_visits: number;
  dropouts: number;
}

/** Fed block by block as the dataset streams; `finish()` once at the end. */
export class ManifestBuilder {
  private readonly hasher: ContentHasher = contentHasher();
  private readonly counts: ManifestCounts = {
    subjects: 0,
    records: 0,
    adverse_events: 0,
    injected_errors: 0,
    not_storable_records: 0,
    missing_visits: 0,
    dropouts: 0,
  };
  private readonly injected: InjectedError[] = [];
  private readonly omissions: Omission[] = [];
  private finished = false;

  constructor(private readonly recipe: Pick<Recipe, 'method' | 'parameters' | 'design' | 'source'>) {}

  add(block: SubjectBlock): void {
    if (this.finished) throw new Error('the manifest is finished');
    this.hasher.add(block);
    this.counts.subjects += 1;
    this.counts.records += block.records.length;
    this.counts.adverse_events += block.adverseEvents.length;
    this.counts.injected_errors += block.injected.length;
    this.counts.not_storable_records += block.unstorable.length;
    for (const omission of block.omissions) {
      if (omission.kind === 'dropout') this.counts.dropouts += 1;
      else this.counts.missing_visits += 1;
    }
    this.injected.push(...block.injected);
    this.omissions.push(...block.omissions);
  }

  finish(): Manifest {
    this.finished = true;
    const { method, parameters, source } = this.recipe;
    const design = completedDesign(this.recipe.design);
    return {
      method,
      parameters,
      seed: parameters.seed,
      reference_date: parameters.reference_date,
      software_version: softwareVersion(),
      design: { protocol: design.protocolId, arms: design.arms, visits: design.visits },
      ...(source ? { source: source.description } : {}),
      counts: { ...this.counts },
      injected_errors: this.injected,
      omissions: this.omissions,
      content_hash: this.hasher.digest(),
    };
  }
}
