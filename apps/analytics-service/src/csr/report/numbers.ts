/** Numbers as the report prints them: fixed decimals, n/a for a missing value. */
export const fixed = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

/** A p-value with four decimals, or <0.0001. */
export const pValue = (value: number | null): string => (value === null ? 'n/a' : value < 0.0001 ? '<0.0001' : value.toFixed(4));
