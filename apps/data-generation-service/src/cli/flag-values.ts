import { SITE_ID } from '../generators/request-limits.js';
import { UsageError } from './usage-error.js';

/** Turning flag text into the values the API takes, with a message naming the flag when it cannot. */

const WHOLE_NUMBER = /^[+-]?\d+$/;
/** Decimal notation only: not hex, not Infinity, not an empty string (which Number() reads as 0). */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function wholeNumber(flag: string, text: string): number {
  if (!WHOLE_NUMBER.test(text)) throw new UsageError(`${flag} must be a whole number (got "${text}")`);
  return Number(text);
}

export function decimalNumber(flag: string, text: string): number {
  if (!DECIMAL_NUMBER.test(text)) throw new UsageError(`${flag} must be a number (got "${text}")`);
  return Number(text);
}

/** `--sites 3` (how many) or `--sites S01,S02` (which). */
export function sitesValue(flag: string, text: string): number | string[] {
  if (WHOLE_NUMBER.test(text)) return Number(text);
  const sites = text.split(',').map((site) => site.trim());
  const bad = sites.find((site) => !SITE_ID.test(site));
  if (bad !== undefined) {
    throw new UsageError(`${flag} must be a number of sites or site ids separated by commas, such as S01,S02 (got "${bad}")`);
  }
  return sites;
}

/**
 * `name=rate` pairs (from repeated flags and comma-separated lists) as an object; a name given
 * twice is refused rather than silently taking one of the two.
 */
export function ratesByName(flag: string, pairs: ReadonlyArray<{ flag: string; text: string }>): Record<string, number> | undefined {
  if (pairs.length === 0) return undefined;
  const rates: Record<string, number> = {};
  for (const pair of pairs) {
    const equals = pair.text.lastIndexOf('=');
    const name = pair.text.slice(0, equals).trim();
    if (equals < 0 || name === '') throw new UsageError(`${pair.flag} takes name=rate, such as ${example(flag)} (got "${pair.text}")`);
    if (Object.hasOwn(rates, name)) throw new UsageError(`${flag}: ${name} is given twice`);
    rates[name] = decimalNumber(`${pair.flag} ${name}`, pair.text.slice(equals + 1).trim());
  }
  return rates;
}

const example = (flag: string) => (flag === '--ae-rate' ? 'Active=0.8' : 'typo=0.02');
