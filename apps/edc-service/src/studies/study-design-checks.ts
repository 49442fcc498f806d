import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { StudyArm, StudyVisit } from './study-design.js';

/** A problem of one field, as validation errors name them. */
const problem = (field: string, text: string): ApiErrorDetail => ({ field, problems: [text] });

/** Entries whose key an earlier entry already has: `sites[2].site_id repeats sites[0]`. */
export function repeatedKeys<T>(list: string, items: readonly T[], keyField: string, keyOf: (item: T) => string): ApiErrorDetail[] {
  const first = new Map<string, number>();
  const problems: ApiErrorDetail[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else problems.push(problem(`${list}[${index}].${keyField}`, `"${key}" is already ${list}[${earlier}]; each must be unique`));
  });
  return problems;
}

export const allocationSum = (arms: ReadonlyArray<Pick<StudyArm, 'allocationRatio'>>): number => arms.reduce((sum, arm) => sum + arm.allocationRatio, 0);

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
export const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * A permuted block holds each arm its allocation ratio times: a block size must be a multiple of
 * the ratios' sum. Without arms there is nothing to randomize to, and nothing to check yet.
 */
export function blockSizeProblems(blockSizes: readonly number[], arms: readonly StudyArm[], field = 'randomization.block_sizes'): ApiErrorDetail[] {
  const sum = allocationSum(arms);
  if (arms.length === 0) return [];
  const misfits = blockSizes.filter((size) => size % sum !== 0);
  if (misfits.length === 0) return [];
  const ratios = arms.map((arm) => `${arm.armCode} ${arm.allocationRatio}`).join(', ');
  return [problem(field, `${misfits.join(', ')} ${misfits.length > 1 ? 'are not multiples' : 'is not a multiple'} of ${sum}, the sum of the arms' allocation ratios (${ratios}), e.g. ${sum * 2}`)];
}

export function baselineProblems(baselineVisit: string | null, visits: readonly StudyVisit[], field = 'baseline_visit'): ApiErrorDetail[] {
  if (baselineVisit === null || visits.some((visit) => visit.visitName === baselineVisit)) return [];
  const names = visits.map((visit) => visit.visitName);
  return [problem(field, `"${baselineVisit}" is not a visit of the schedule (${names.length > 0 ? `visits: ${names.join(', ')}` : 'the schedule is empty'})`)];
}

/** Status changes a study may make: set up → enrolling → closed, and closed → enrolling (reopening, with a reason). */
const STATUS_CHANGES: Record<string, readonly string[]> = { set_up: ['enrolling'], enrolling: ['closed'], closed: ['enrolling'] };

export function statusChangeProblem(from: string, to: string, reason: string | undefined): string | null {
  if (from === to) return null;
  if (!STATUS_CHANGES[from]?.includes(to)) {
    return `a study cannot go from ${from} to ${to} (allowed: set_up → enrolling → closed, and closed → enrolling to reopen)`;
  }
  if (from === 'closed' && !reason) return 'reopening a closed study needs a reason';
  return null;
}
