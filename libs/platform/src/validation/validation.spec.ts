import type { ValidationError } from '@nestjs/common';
import { flattenValidationErrors, validationException } from './validation.js';

const error = (property: string, extra: Partial<ValidationError>): ValidationError => ({ property, children: [], ...extra });

describe('validation errors', () => {
  it('names nested fields with array indices', () => {
    const errors = [
      error('records', {
        value: [],
        children: [error('3', { value: {}, children: [error('SystolicBP', { value: 999, constraints: { max: 'SystolicBP must not be greater than 300' } })] })],
      }),
    ];
    expect(flattenValidationErrors(errors)).toEqual([{ field: 'records[3].SystolicBP', problems: ['must not be greater than 300'] }]);
  });

  it('says a missing field is required instead of listing every rule it fails', () => {
    const errors = [error('HeartRate', { value: undefined, constraints: { isInt: 'HeartRate must be an integer number', min: 'x' } })];
    expect(flattenValidationErrors(errors)).toEqual([{ field: 'HeartRate', problems: ['is required'] }]);
  });

  it('reports only the type problem for a value of the wrong type', () => {
    const errors = [error('HeartRate', { value: '72', constraints: { isInt: 'HeartRate must be an integer number', max: 'HeartRate must not be greater than 250' } })];
    expect(flattenValidationErrors(errors)).toEqual([{ field: 'HeartRate', problems: ['must be an integer number'] }]);
  });

  it('summarises the first problems in the message and caps the details', () => {
    const many = Array.from({ length: 80 }, (_, n) => error(String(n), { value: {}, children: [error('X', { value: 1, constraints: { isString: 'X must be a string' } })] }));
    const body = validationException([error('records', { value: [], children: many })]).getResponse() as { message: string; details: unknown[] };
    expect(body.details).toHaveLength(50);
    expect(body.message).toMatch(/^Validation failed: records\[0\]\.X: must be a string; .*and 75 more problems/);
  });
});

describe('validation errors of a value of the wrong type', () => {
  it('report the first type problem only, and none of the parts of a value that is not a list', () => {
    const notAList = error('records', {
      value: { SubjectID: 'RA001-001' },
      constraints: { isArray: 'records must be an array', nestedValidation: 'each value in nested property records must be either object or array' },
      children: [error('VisitName', { value: undefined, constraints: { isString: 'VisitName must be a string' } })],
    });
    expect(flattenValidationErrors([notAList])).toEqual([{ field: 'records', problems: ['must be an array'] }]);
  });
});
