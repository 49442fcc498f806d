import { BadRequestException, ConflictException, ForbiddenException } from '@nestjs/common';
import { problemDetail, type RecordLabel, type RecordProblem } from './vital-record.js';
import type { ProblemKind, ProblemPolicy } from './vitals-writer.js';

const MAX_DETAILS = 50;

/**
 * For a request stored whole or not at all (store-vitals, one record): the first check a record
 * fails refuses the request, with the status and message of that check.
 */
export function wholeRequestPolicy(label: RecordLabel): ProblemPolicy {
  return {
    perRecord: false,
    refuse(kind: ProblemKind, problems: RecordProblem[]): never {
      const details = problems.map((problem) => problemDetail(problem, label));
      const first = details[0];
      const shown = details.slice(0, MAX_DETAILS);
      switch (kind) {
        case 'outside-sites':
          throw new ForbiddenException({ message: `Records outside your sites; nothing was stored (first: ${first.field})`, details: shown });
        case 'contradiction':
          throw new BadRequestException({
            message: `The batch contradicts itself: ${details.slice(0, 3).map((p) => `${p.field} ${p.problems[0]}`).join('; ')}`,
            details: shown,
          });
        case 'study':
          throw new BadRequestException({
            message: `${details.length} record(s) do not fit their study; nothing was stored (first: ${first.field} ${first.problems[0]})`,
            details: shown,
          });
        case 'subject-outside-sites':
          // No details: nothing more about another site's subject is revealed.
          throw new ForbiddenException(`${first.field}: ${first.problems[0]}; nothing was stored`);
        case 'subject-conflict':
          throw new ConflictException({
            message: `Records contradict stored subjects; nothing was stored (first: ${first.field} ${first.problems[0]})`,
            details: shown,
          });
        case 'changed-values':
          throw new ConflictException({
            message: `${details.length} record(s) would change stored vitals; nothing was stored (first: ${first.field})`,
            details: shown,
          });
      }
    },
  };
}
