import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';

/** At most this many problems are listed (a 500-rule document could otherwise list thousands). */
const MAX_DETAILS = 50;

/**
 * A rule or rule document that cannot be used, with every problem found (`{ field, problems }`,
 * e.g. `{ field: 'rules[2].min', problems: ['must not be greater than max (90)'] }`). A 400 with
 * the platform's error body when it reaches a controller.
 */
export class RuleDefinitionError extends BadRequestException {
  readonly details: ApiErrorDetail[];

  constructor(details: ApiErrorDetail[], subject = 'The rule') {
    const shown = details.slice(0, MAX_DETAILS);
    const summary = shown
      .slice(0, 5)
      .map(({ field, problems }) => `${field}: ${problems.join(', ')}`)
      .join('; ');
    const more = details.length > 5 ? ` (and ${details.length - 5} more problems, listed in details)` : '';
    const message = `${subject} is not valid: ${summary}${more}`;
    super({ message, details: shown });
    this.message = message;
    this.details = shown;
  }
}

/** Collects problems per field, in the order found. */
export class RuleProblems {
  private readonly byField = new Map<string, string[]>();

  add(field: string, problem: string): void {
    const problems = this.byField.get(field);
    if (problems) problems.push(problem);
    else this.byField.set(field, [problem]);
  }

  get empty(): boolean {
    return this.byField.size === 0;
  }

  get details(): ApiErrorDetail[] {
    return [...this.byField].map(([field, problems]) => ({ field, problems }));
  }
}
