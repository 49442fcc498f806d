import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../../libs/platform/src/index.js';
import type { RecordProblem } from '../vital-record.js';

/** Lines named in an answer; the rest are counted. */
export const MAX_LISTED_LINES = 1_000;

export const lineLabel = (line: number): string => `line ${line}`;

/** What an import refused, line by line: every refused line counted, the first MAX_LISTED_LINES listed. */
export class ImportReport {
  linesReceived = 0;
  private readonly refusedLines = new Set<number>();
  private refusedBeyondList = 0;
  private readonly listed = new Map<number, string[]>();

  get linesRefused(): number {
    return this.refusedLines.size + this.refusedBeyondList;
  }

  /** `problems` name their column first: `SystolicBP must not be greater than 300`. */
  refuseLine(line: number, problems: string[]): void {
    const listed = this.listed.get(line);
    if (listed) {
      listed.push(...problems);
    } else if (this.listed.size < MAX_LISTED_LINES) {
      this.listed.set(line, [...problems]);
      this.refusedLines.add(line);
    } else if (!this.refusedLines.has(line)) {
      // Beyond the list only a count is kept, so memory stays bounded whatever the file.
      this.refusedBeyondList += 1;
    }
  }

  /** Problems the write found (records are numbered by their line); one refusal per line. */
  refuseRecords(problems: RecordProblem[]): void {
    const byLine = new Map<number, string[]>();
    for (const problem of problems) {
      byLine.set(problem.index, [...(byLine.get(problem.index) ?? []), problem.field ? `${problem.field} ${problem.problem}` : problem.problem]);
    }
    for (const [line, lineProblems] of byLine) this.refuseLine(line, lineProblems);
  }

  /** `line 12: SystolicBP must not be greater than 300`, one per listed line, in line order. */
  errors(): string[] {
    return this.details().map((detail) => `${detail.field}: ${detail.problems.join('; ')}`);
  }

  details(): ApiErrorDetail[] {
    return [...this.listed]
      .sort(([a], [b]) => a - b)
      .map(([line, problems]) => ({ field: lineLabel(line), problems }));
  }

  /** The answer when lines were refused and the caller did not ask to store the valid ones only. */
  refusal(): BadRequestException {
    const details = this.details();
    const notListed = this.linesRefused - details.length;
    return new BadRequestException({
      message:
        `${this.linesRefused} of ${this.linesReceived} lines refused; nothing was stored (first: ${this.errors()[0]})` +
        `${notListed > 0 ? `; ${details.length} lines listed, ${notListed} more not listed` : ''}. ` +
        'Correct them and send the file again, or add ?valid_only=true to store the valid lines only',
      details,
    });
  }
}
