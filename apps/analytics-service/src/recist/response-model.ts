/**
 * The seeded model of RECIST 1.1 best overall responses: each subject's response is drawn
 * independently from its arm's probabilities of complete response (CR), partial response (PR) and
 * stable disease (SD); the rest is progressive disease (PD). Not evaluable is not modelled.
 */
export const BEST_RESPONSES = ['CR', 'PR', 'SD', 'PD'] as const;
export type BestResponse = (typeof BEST_RESPONSES)[number];

export interface ResponseProbabilities {
  cr: number;
  pr: number;
  sd: number;
  pd: number;
}

/** What a request may say about an arm: ORR alone, or CR and PR; SD optional. */
export interface ArmRatesInput {
  arm: string;
  cr?: number;
  pr?: number;
  orr?: number;
  sd?: number;
}

/** The reference arm's default objective response rate (a placebo's), and every other arm's. */
export const DEFAULT_REFERENCE_ORR = 0.15;
export const DEFAULT_OTHER_ORR = 0.35;
/** Of the responses an ORR gives, this share is complete: the rest partial. */
export const COMPLETE_SHARE_OF_RESPONSES = 0.2;

/** A request's rates that cannot be a distribution: the problems, field by field. */
export class ResponseRatesProblem extends Error {
  constructor(readonly details: Array<{ field: string; problems: string[] }>) {
    super(details.map((detail) => `${detail.field}: ${detail.problems.join(', ')}`).join('; '));
  }
}

/**
 * The probabilities of an arm: from its ORR (a fifth complete) or its CR and PR; SD, when not
 * given, half of the non-responders. Throws when they are not a distribution.
 */
export function armProbabilities(input: Omit<ArmRatesInput, 'arm'>, field: string): ResponseProbabilities {
  const hasOrr = input.orr !== undefined;
  const hasParts = input.cr !== undefined || input.pr !== undefined;
  if (hasOrr === hasParts || (hasParts && (input.cr === undefined || input.pr === undefined))) {
    throw new ResponseRatesProblem([{ field, problems: ['must give either orr, or both cr and pr (not both ways)'] }]);
  }
  const cr = hasOrr ? input.orr! * COMPLETE_SHARE_OF_RESPONSES : input.cr!;
  const pr = hasOrr ? input.orr! - cr : input.pr!;
  const sd = input.sd ?? (1 - cr - pr) / 2;
  const total = cr + pr + sd;
  // A tolerance for decimal fractions that sum to exactly 1 on paper (0.1 + 0.2 + 0.7).
  if (total > 1 + 1e-12) {
    throw new ResponseRatesProblem([{ field, problems: [`the probabilities of CR, PR and SD must sum to at most 1, they sum to ${Number(total.toFixed(12))}`] }]);
  }
  return { cr, pr, sd, pd: Math.max(0, 1 - total) };
}

/** The default probabilities of an arm: the reference arm responds as a placebo, the others as an active treatment. */
export function defaultProbabilities(isReference: boolean): ResponseProbabilities {
  return armProbabilities({ orr: isReference ? DEFAULT_REFERENCE_ORR : DEFAULT_OTHER_ORR }, 'default');
}

/** Which response a uniform draw u in [0, 1) gives. */
export function responseOf(u: number, p: ResponseProbabilities): BestResponse {
  if (u < p.cr) return 'CR';
  if (u < p.cr + p.pr) return 'PR';
  if (u < p.cr + p.pr + p.sd) return 'SD';
  return 'PD';
}
