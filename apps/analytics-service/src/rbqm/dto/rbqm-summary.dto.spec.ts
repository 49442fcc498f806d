import type { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../../../../libs/platform/src/index.js';
import { RbqmSummaryDto } from './rbqm-summary.dto.js';

type Refusal = { message: string; details: Array<{ field: string; problems: string[] }> };

/** The body as the platform's one pipe reads it: the instance, or what a client reads back when refused. */
async function read(body: unknown): Promise<RbqmSummaryDto | Refusal> {
  try {
    return (await createValidationPipe().transform(body, { type: 'body', metatype: RbqmSummaryDto })) as RbqmSummaryDto;
  } catch (error) {
    return (error as BadRequestException).getResponse() as Refusal;
  }
}

describe('RbqmSummaryDto', () => {
  it.each([
    ['a list of limits', [{ query_rate_per_100: 1 }]],
    ['an empty list', []],
    ['a text', 'strict'],
    ['a number', 7],
    ['a boolean', true],
  ])('refuses limits given as %s, naming limits as an object', async (_kind, limits) => {
    const answer = await read({ study: 'RA001', limits });
    expect(answer).toMatchObject({ details: [{ field: 'limits', problems: [expect.stringMatching(/must be an object/)] }] });
  });

  it('takes limits given as an object', async () => {
    const answer = await read({ study: 'RA001', limits: { query_rate_per_100: 1 } });
    expect(answer).toBeInstanceOf(RbqmSummaryDto);
    expect((answer as RbqmSummaryDto).limits).toEqual({ query_rate_per_100: 1 });
  });
});
