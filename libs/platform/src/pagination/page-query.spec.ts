import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../validation/validation.js';
import { MAX_OFFSET, PageQuery } from './page-query.js';

/** `?limit=&offset=` as the platform's ValidationPipe reads them from a query string. */
async function parse(query: Record<string, string>): Promise<PageQuery> {
  return (await createValidationPipe().transform(query, { type: 'query', metatype: PageQuery })) as PageQuery;
}

async function refusal(query: Record<string, string>): Promise<{ message: string; details: Array<{ field: string; problems: string[] }> }> {
  const error = await parse(query).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BadRequestException)) throw new Error(`${JSON.stringify(query)} was not refused with 400`);
  return error.getResponse() as { message: string; details: Array<{ field: string; problems: string[] }> };
}

describe('PageQuery: the paging of every list', () => {
  it('defaults to 50 a page from the start, and takes whole numbers within the bounds', async () => {
    expect(await parse({})).toMatchObject({ limit: 50, offset: 0 });
    expect(await parse({ limit: '500', offset: String(MAX_OFFSET) })).toMatchObject({ limit: 500, offset: 1_000_000_000 });
    expect(await parse({ limit: '1', offset: '0' })).toMatchObject({ limit: 1, offset: 0 });
  });

  it.each([
    ['the largest bigint', '9223372036854775807'],
    ['a number beyond any integer type', '1e308'],
    ['a number a double cannot hold exactly', '9007199254740993'],
    ['one past the bound', String(MAX_OFFSET + 1)],
    ['a negative offset', '-1'],
    ['a fraction', '2.5'],
    ['a word', 'ten'],
    ['infinity', 'Infinity'],
  ])('refuses %s as offset with 400 saying the range, before any query runs', async (_case, offset) => {
    const { message, details } = await refusal({ offset });
    expect(details).toEqual([{ field: 'offset', problems: ['must be a whole number from 0 to 1,000,000,000'] }]);
    expect(message).toBe('Validation failed: offset: must be a whole number from 0 to 1,000,000,000');
  });

  it('keeps the limit between 1 and 500', async () => {
    for (const limit of ['0', '501', '1e308']) expect((await refusal({ limit })).details.map((d) => d.field)).toEqual(['limit']);
  });
});
