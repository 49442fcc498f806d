import type { RandomStream, TrialDesign } from './dataset.js';
import { shuffled } from './random.js';

/** A study without a format of its own: the site's id and a four-digit sequence, e.g. S01-0001. */
export const FALLBACK_SUBJECT_ID_FORMAT = '{site}-{seq:4}';

const PLACEHOLDER = /\{[^{}]*\}/g;

/**
 * The subject number a format gives for a site and a sequence number. Mirrors the EDC's enrolment
 * numbering (its subject-id-format rules): `{seq}` / `{seq:N}` is the study-wide sequence with at
 * least N digits, `{site}` the subject's site.
 */
export function subjectNumber(format: string | null, siteId: string, sequence: number): string {
  const used = format ?? FALLBACK_SUBJECT_ID_FORMAT;
  const digits = Number(/\{seq(?::([1-9]))?\}/.exec(used)?.[1] ?? 1);
  return used.replace(PLACEHOLDER, (placeholder) => (placeholder === '{site}' ? siteId : String(sequence).padStart(digits, '0')));
}

/** `subjectNumber` for one format, with the format read once (it runs for every subject). */
export function subjectNumberer(format: string | null): (siteId: string, sequence: number) => string {
  const used = format ?? FALLBACK_SUBJECT_ID_FORMAT;
  const digits = Number(/\{seq(?::([1-9]))?\}/.exec(used)?.[1] ?? 1);
  const literals = used.split(PLACEHOLDER);
  const placeholders = used.match(PLACEHOLDER) ?? [];
  return (siteId, sequence) => {
    let number = literals[0];
    for (let index = 0; index < placeholders.length; index += 1) {
      number += placeholders[index] === '{site}' ? siteId : String(sequence).padStart(digits, '0');
      number += literals[index + 1];
    }
    return number;
  };
}

/** A pattern matching the numbers a format gives (for tests and for checking supplied ids). */
export function subjectNumberPattern(format: string | null): RegExp {
  const used = format ?? FALLBACK_SUBJECT_ID_FORMAT;
  const source = used
    .split(PLACEHOLDER)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  const placeholders = used.match(PLACEHOLDER) ?? [];
  let pattern = source[0];
  placeholders.forEach((placeholder, index) => {
    const seq = /\{seq(?::([1-9]))?\}/.exec(placeholder);
    pattern += placeholder === '{site}' ? '[A-Za-z0-9._-]+' : `\\d{${seq?.[1] ?? 1},}`;
    pattern += source[index + 1];
  });
  return new RegExp(`^${pattern}$`);
}

/**
 * Arms in a random order that holds each arm's exact count: each subject's arm is drawn from the
 * subjects still to allocate (an urn without replacement), so the arms interleave as a shuffle of
 * the whole list would, in constant memory.
 */
export class ArmAllocator {
  private readonly left: number[];
  private total: number;

  constructor(
    private readonly counts: ReadonlyArray<{ arm: string; subjects: number }>,
    private readonly random: RandomStream,
  ) {
    this.left = counts.map((count) => count.subjects);
    this.total = this.left.reduce((sum, count) => sum + count, 0);
  }

  next(): string {
    if (this.total === 0) throw new Error('every subject has been allocated');
    let ticket = this.random.integer(0, this.total - 1);
    let index = 0;
    while (ticket >= this.left[index]) {
      ticket -= this.left[index];
      index += 1;
    }
    this.left[index] -= 1;
    this.total -= 1;
    return this.counts[index].arm;
  }
}

/** Sites taken round robin over a shuffled order: counts differ by at most one, and the first site is not always first. */
export class SiteAssigner {
  private readonly order: string[];
  private taken = 0;

  constructor(sites: readonly string[], random: RandomStream) {
    if (sites.length === 0) throw new Error('generation needs at least one site');
    this.order = shuffled(random, sites);
  }

  next(): string {
    const site = this.order[this.taken % this.order.length];
    this.taken += 1;
    return site;
  }
}

/** The arms a subject could be switched to by an arm_switch error. */
export function otherArms(design: TrialDesign, arm: string): string[] {
  return design.arms.map((candidate) => candidate.armCode).filter((candidate) => candidate !== arm);
}
