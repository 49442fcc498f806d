import * as dto from '../generate/dto/generation-parameters.dto.js';
import * as validators from '../generate/dto/parameter-validators.js';
import { MAX_SUBJECTS, PROTOCOL_ID, SITE_ID } from './api-limits.js';

describe('npm run generate: the API checks it repeats', () => {
  it('are the DTOs\' own limits and patterns', () => {
    expect(MAX_SUBJECTS).toBe(dto.MAX_SUBJECTS);
    expect(PROTOCOL_ID.source).toBe(validators.PROTOCOL_ID.source);
    expect(SITE_ID.source).toBe(validators.SITE_ID.source);
  });
});
