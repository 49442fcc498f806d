import { type GenerateOptions, parseGenerateArguments } from './generate-arguments.js';
import { UsageError } from './usage-error.js';

function optionsOf(...args: string[]): GenerateOptions {
  const parsed = parseGenerateArguments(args);
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
}

function usageErrorOf(...args: string[]): string {
  try {
    parseGenerateArguments(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('npm run generate: arguments', () => {
  it('without flags makes the rules generator\'s default dataset of the default study, as CSV of vitals to standard output', () => {
    expect(optionsOf()).toEqual({
      method: 'rules',
      parameters: { protocol_id: 'DEFAULT' },
      source: null,
      format: 'csv',
      table: 'vitals',
      out: null,
      manifest: null,
    });
  });

  it('maps each generation flag to the API parameter of the same meaning', () => {
    const { parameters } = optionsOf(
      '--subjects', '200', '--seed', '42', '--reference-date', '2024-02-05', '--enrolment-days', '30', '--sites', '4', '--protocol', 'RA001',
      '--first-subject-number', '700', '--missing-rate', '0.1', '--dropout-rate', '.05', '--serious-rate', '0.2',
      '--target-effect', '-7.5', '--effect-visit', 'Week 4',
    );
    expect(parameters).toEqual({
      protocol_id: 'RA001',
      n_total: 200,
      seed: 42,
      reference_date: '2024-02-05',
      enrolment_days: 30,
      sites: 4,
      first_subject_number: 700,
      missing_rate: 0.1,
      dropout_rate: 0.05,
      serious_rate: 0.2,
      target_effect: -7.5,
      effect_visit: 'Week 4',
    });
  });

  it('takes --per-arm as n_per_arm, and --sites as a list of site ids', () => {
    expect(optionsOf('--per-arm', '30', '--sites', 'S01, X-2').parameters).toMatchObject({ n_per_arm: 30, sites: ['S01', 'X-2'] });
  });

  it('collects error rates from repeated --error-rate and from --errors lists', () => {
    const { parameters } = optionsOf('--error-rate', 'typo=0.02', '--errors', 'swapped_bp=0.01,unit_flip=0.03', '--error-rate', 'arm_switch=0.1');
    expect(parameters.errors).toEqual({ typo: 0.02, swapped_bp: 0.01, unit_flip: 0.03, arm_switch: 0.1 });
  });

  it('collects adverse-event rates by arm from repeated --ae-rate', () => {
    expect(optionsOf('--method', 'ae', '--ae-rate', 'Active=3', '--ae-rate', 'Placebo=0').parameters.ae_rates).toEqual({ Active: 3, Placebo: 0 });
  });

  it('takes jitter and a source file for bootstrap, and a source file for mvn', () => {
    expect(optionsOf('--method', 'bootstrap', '--source', 'trial.json', '--jitter', '0')).toMatchObject({
      method: 'bootstrap',
      source: 'trial.json',
      parameters: { jitter: 0 },
    });
    expect(optionsOf('--method', 'mvn', '--source=trial.json').source).toBe('trial.json');
  });

  it('writes JSON when --out ends in .json, CSV otherwise, and --format overrides either', () => {
    expect(optionsOf('--out', 'trial.JSON')).toMatchObject({ format: 'json', out: 'trial.JSON' });
    expect(optionsOf('--out', 'trial.csv')).toMatchObject({ format: 'csv', out: 'trial.csv' });
    expect(optionsOf('--out', 'trial.txt', '--format', 'json').format).toBe('json');
    expect(optionsOf('--format', 'json').out).toBeNull();
  });

  it('writes one CSV table: vitals by default, adverse events for --method ae, or the one named', () => {
    expect(optionsOf('--table', 'subjects').table).toBe('subjects');
    expect(optionsOf('--method', 'ae').table).toBe('adverse_events');
    expect(optionsOf('--method', 'ae', '--table', 'vitals').table).toBe('vitals');
  });

  it('names a manifest file to write', () => {
    expect(optionsOf('--manifest', 'trial.manifest.json').manifest).toBe('trial.manifest.json');
  });

  it('answers help for --help or -h, whatever else is given', () => {
    expect(parseGenerateArguments(['--help'])).toEqual({ help: true });
    expect(parseGenerateArguments(['--seed', 'x', '-h'])).toEqual({ help: true });
  });

  describe('refuses, naming the flag', () => {
    it.each([
      ['an unknown flag', ['--colour', 'blue'], /^unknown option --colour/],
      ['a positional argument', ['rules'], /^unexpected argument "rules"/],
      ['a flag without its value', ['--seed'], /^--seed needs a value/],
      ['a flag followed by another flag instead of its value', ['--seed', '--out', 'x.csv'], /^--seed needs a value/],
      ['a value for --help', ['--help=yes'], /^--help takes no value/],
      ['a flag given twice', ['--seed', '1', '--seed', '2'], /^--seed is given twice/],
      ['an unknown method', ['--method', 'magic'], /^--method must be one of rules, mvn, bootstrap, ae \(got "magic"\)/],
      ['a count that is not a whole number', ['--subjects', '2.5'], /^--subjects must be a whole number/],
      ['a count written as words', ['--per-arm', 'ten'], /^--per-arm must be a whole number/],
      ['more subjects than the API takes', ['--subjects', '500001'], /^--subjects must be from 1 to 500,000, as the API takes \(got 500001\)/],
      ['no subjects', ['--per-arm', '0'], /^--per-arm must be from 1 to 500,000/],
      ['no enrolment period', ['--enrolment-days', '0'], /^--enrolment-days must be from 1 to 3650, as the API takes/],
      ['an enrolment period over ten years', ['--enrolment-days', '3651'], /^--enrolment-days must be from 1 to 3650/],
      ['a rate that is not a number', ['--missing-rate', 'lots'], /^--missing-rate must be a number/],
      ['a rate in hexadecimal', ['--dropout-rate', '0x1'], /^--dropout-rate must be a number/],
      ['an empty rate', ['--serious-rate='], /^--serious-rate must be a number/],
      ['a seed written as a decimal', ['--seed', '4.2'], /^--seed must be a whole number/],
      ['both --subjects and --per-arm', ['--subjects', '4', '--per-arm', '2'], /^--subjects cannot be given with --per-arm/],
      ['an error rate without its kind', ['--error-rate', '0.1'], /^--error-rate takes name=rate, such as typo=0.02/],
      ['an error rate that is not a number', ['--errors', 'typo=often'], /^--errors typo must be a number/],
      ['an error kind given twice', ['--error-rate', 'typo=0.1', '--errors', 'typo=0.2'], /^--error-rate: typo is given twice/],
      ['an adverse-event rate without its arm', ['--ae-rate', '=0.5'], /^--ae-rate takes name=rate, such as Active=0.8/],
      ['a site id with a space', ['--sites', 'S 01'], /^--sites must be a number of sites or site ids/],
      ['a protocol id with a slash', ['--protocol', 'RA/1'], /^--protocol must be a protocol code/],
      ['a blank effect visit', ['--effect-visit', '  '], /^--effect-visit must be a visit name/],
      ['a format other than csv or json', ['--format', 'xlsx'], /^--format must be one of csv, json/],
      ['an unknown table', ['--table', 'labs'], /^--table must be one of vitals, adverse_events, subjects/],
      ['a table with JSON, which holds them all', ['--format', 'json', '--table', 'subjects'], /^--table applies to --format csv only/],
      ['a target effect for another method than rules', ['--method', 'mvn', '--target-effect', '-5'], /^--target-effect applies to --method rules only/],
      ['an effect visit for another method than rules', ['--method', 'ae', '--effect-visit', 'Week 4'], /^--effect-visit applies to --method rules only/],
      ['jitter for another method than bootstrap', ['--jitter', '0.1'], /^--jitter applies to --method bootstrap only/],
      ['a source for rules', ['--source', 'trial.json'], /^--source applies to --method mvn or bootstrap only/],
      ['bootstrap without a source', ['--method', 'bootstrap'], /^--method bootstrap resamples existing subjects: name them with --source/],
    ])('%s', (_case, args, message) => {
      expect(usageErrorOf(...args)).toMatch(message);
    });
  });
});
