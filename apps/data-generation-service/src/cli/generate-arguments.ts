import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATION_METHODS, type GenerationMethod } from '../generators/dataset.js';
import { EXPORT_FORMATS, EXPORT_TABLES, type ExportFormat, type ExportTable } from '../generators/export.js';
import { type GenerationParametersInput, PARAMETER_LIMITS } from '../generators/parameters.js';
import { MAX_SUBJECTS, PROTOCOL_ID, VISIT_NAME } from '../generators/request-limits.js';
import { decimalNumber, ratesByName, sitesValue, wholeNumber } from './flag-values.js';
import { UsageError } from './usage-error.js';


/** The platform's default study (DEFAULT_PROTOCOL_ID's default). */
export const DEFAULT_PROTOCOL = 'DEFAULT';

export interface GenerateOptions {
  method: GenerationMethod;
  /** As the API's request body would carry them; `protocol_id` always set. */
  parameters: GenerationParametersInput & { protocol_id: string };
  /** A JSON file of records to learn from (mvn, bootstrap). */
  source: string | null;
  format: ExportFormat;
  table: ExportTable;
  /** null: standard output. */
  out: string | null;
  manifest: string | null;
}

export type ParsedArguments = { help: true } | { help: false; options: GenerateOptions };

const FLAGS = {
  method: { type: 'string' },
  subjects: { type: 'string' },
  'per-arm': { type: 'string' },
  seed: { type: 'string' },
  'reference-date': { type: 'string' },
  'enrolment-days': { type: 'string' },
  sites: { type: 'string' },
  protocol: { type: 'string' },
  'first-subject-number': { type: 'string' },
  'missing-rate': { type: 'string' },
  'dropout-rate': { type: 'string' },
  'error-rate': { type: 'string', multiple: true },
  errors: { type: 'string', multiple: true },
  'ae-rate': { type: 'string', multiple: true },
  'serious-rate': { type: 'string' },
  'target-effect': { type: 'string' },
  'effect-visit': { type: 'string' },
  jitter: { type: 'string' },
  source: { type: 'string' },
  format: { type: 'string' },
  table: { type: 'string' },
  out: { type: 'string' },
  manifest: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flag = keyof typeof FLAGS;

/** Flags that only one or two methods take (the API's DTO of the other methods has no such field). */
const METHOD_FLAGS: Partial<Record<Flag, readonly GenerationMethod[]>> = {
  'target-effect': ['rules'],
  'effect-visit': ['rules'],
  jitter: ['bootstrap'],
  source: ['mvn', 'bootstrap'],
};

/** The command's arguments (after `--`) as options; every mistake is a UsageError naming the flag. */
export function parseGenerateArguments(args: readonly string[]): ParsedArguments {
  const given = flagValues(args);
  if (given.has('help')) return { help: true };
  const text = (flag: Flag): string | undefined => given.get(flag)?.[0];

  const method = oneOf('--method', text('method') ?? 'rules', GENERATION_METHODS);
  for (const [flag, methods] of Object.entries(METHOD_FLAGS) as Array<[Flag, readonly GenerationMethod[]]>) {
    if (given.has(flag) && !methods.includes(method)) throw new UsageError(`--${flag} applies to --method ${methods.join(' or ')} only`);
  }
  if (method === 'bootstrap' && !given.has('source')) {
    throw new UsageError('--method bootstrap resamples existing subjects: name them with --source records.json');
  }
  if (given.has('subjects') && given.has('per-arm')) throw new UsageError('--subjects cannot be given with --per-arm (one or the other)');

  const out = text('out') ?? null;
  const format = oneOf('--format', text('format') ?? (out !== null && extname(out).toLowerCase() === '.json' ? 'json' : 'csv'), EXPORT_FORMATS);
  if (format === 'json' && given.has('table')) throw new UsageError('--table applies to --format csv only (JSON holds every table)');
  const table = oneOf('--table', text('table') ?? (method === 'ae' ? 'adverse_events' : 'vitals'), EXPORT_TABLES);

  return {
    help: false,
    options: {
      method,
      parameters: parametersOf(given, text),
      source: text('source') ?? null,
      format,
      table,
      out,
      manifest: text('manifest') ?? null,
    },
  };
}

function parametersOf(given: Map<Flag, string[]>, text: (flag: Flag) => string | undefined): GenerateOptions['parameters'] {
  const protocol = text('protocol') ?? DEFAULT_PROTOCOL;
  if (!PROTOCOL_ID.test(protocol)) {
    throw new UsageError(`--protocol must be a protocol code such as RA001 (letters, digits, dots, dashes, underscores; at most 64) (got "${protocol}")`);
  }
  const parameters: GenerationParametersInput = {};
  const whole = (flag: Flag) => (given.has(flag) ? wholeNumber(`--${flag}`, text(flag) as string) : undefined);
  const decimal = (flag: Flag) => (given.has(flag) ? decimalNumber(`--${flag}`, text(flag) as string) : undefined);
  const subjects = (flag: Flag) => {
    const count = whole(flag);
    if (count !== undefined && (count < 1 || count > MAX_SUBJECTS)) {
      throw new UsageError(`--${flag} must be from 1 to ${MAX_SUBJECTS.toLocaleString('en-US')}, as the API takes (got ${count})`);
    }
    return count;
  };
  const assign = <K extends keyof GenerationParametersInput>(key: K, value: GenerationParametersInput[K] | undefined) => {
    if (value !== undefined) parameters[key] = value;
  };

  assign('n_total', subjects('subjects'));
  assign('n_per_arm', subjects('per-arm'));
  assign('seed', whole('seed'));
  assign('reference_date', text('reference-date'));
  const enrolmentDays = whole('enrolment-days');
  // The API's DTO takes at least 1 (withDefaults would take 0).
  if (enrolmentDays !== undefined && (enrolmentDays < 1 || enrolmentDays > PARAMETER_LIMITS.enrolment_days.max)) {
    throw new UsageError(`--enrolment-days must be from 1 to ${PARAMETER_LIMITS.enrolment_days.max}, as the API takes (got ${enrolmentDays})`);
  }
  assign('enrolment_days', enrolmentDays);
  assign('sites', given.has('sites') ? sitesValue('--sites', text('sites') as string) : undefined);
  assign('first_subject_number', whole('first-subject-number'));
  assign('missing_rate', decimal('missing-rate'));
  assign('dropout_rate', decimal('dropout-rate'));
  const errorPairs = [
    ...(given.get('error-rate') ?? []).map((pair) => ({ flag: '--error-rate', text: pair })),
    ...(given.get('errors') ?? []).flatMap((list) => list.split(',').map((pair) => ({ flag: '--errors', text: pair }))),
  ];
  assign('errors', ratesByName('--error-rate', errorPairs));
  assign('ae_rates', ratesByName('--ae-rate', (given.get('ae-rate') ?? []).map((pair) => ({ flag: '--ae-rate', text: pair }))));
  assign('serious_rate', decimal('serious-rate'));
  assign('target_effect', decimal('target-effect'));
  const effectVisit = text('effect-visit');
  if (effectVisit !== undefined && !VISIT_NAME.test(effectVisit)) throw new UsageError('--effect-visit must be a visit name of 1 to 64 characters');
  assign('effect_visit', effectVisit);
  assign('jitter', decimal('jitter'));
  return { protocol_id: protocol, ...parameters };
}

/**
 * The flags given, each with its values in order. parseArgs runs without `strict` so that a
 * negative number can follow its flag (`--target-effect -5`); the checks strict mode would make
 * are made here, with messages that name the flag.
 */
function flagValues(args: readonly string[]): Map<Flag, string[]> {
  const { tokens } = parseArgs({ args: [...args], options: FLAGS, strict: false, allowPositionals: true, tokens: true });
  const given = new Map<Flag, string[]>();
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}" (every option is a --flag; see --help)`);
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(FLAGS, token.name)) throw new UsageError(`unknown option ${token.rawName} (see --help)`);
    const flag = token.name as Flag;
    const definition: { type: 'string' | 'boolean'; multiple?: boolean } = FLAGS[flag];
    if (definition.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      given.set(flag, []);
      continue;
    }
    // Without strict mode, `--seed --out x` would read "--out" as the seed.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new UsageError(`${token.rawName} needs a value`);
    const values = given.get(flag) ?? [];
    if (values.length > 0 && !definition.multiple) throw new UsageError(`${token.rawName} is given twice`);
    given.set(flag, [...values, token.value]);
  }
  return given;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
