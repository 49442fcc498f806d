import type { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../../../../libs/platform/src/index.js';
import { RecistDto } from './recist.dto.js';

type Refusal = { message: string; details: Array<{ field: string; problems: string[] }> };

/** The body as the platform's one pipe reads it: the instance, or what a client reads back when refused. */
async function read(body: unknown): Promise<RecistDto | Refusal> {
  try {
    return (await createValidationPipe().transform(body, { type: 'body', metatype: RecistDto })) as RecistDto;
  } catch (error) {
    return (error as BadRequestException).getResponse() as Refusal;
  }
}

describe('RecistDto response_rates', () => {
  it.each([
    ['a list inside the list', [[{ arm: 'Active', orr: 0.4 }]]],
    ['a number', [0.4]],
    ['a text', ['Active']],
    ['null', [null]],
  ])('refuses an arm given as %s, naming response_rates', async (_kind, rates) => {
    const answer = await read({ seed: 1, subjects_per_arm: 10, response_rates: rates });
    expect((answer as Refusal).details).toEqual(
      expect.arrayContaining([{ field: expect.stringMatching(/^response_rates/), problems: [expect.stringMatching(/must be an object such as/)] }]),
    );
  });

  it('takes arms given as objects', async () => {
    const answer = await read({ seed: 1, subjects_per_arm: 10, response_rates: [{ arm: 'Active', orr: 0.4 }] });
    expect(answer).toBeInstanceOf(RecistDto);
    expect((answer as RecistDto).response_rates).toEqual([{ arm: 'Active', orr: 0.4 }]);
  });
});
