import { INJECTED_ERROR_KINDS } from '../generators/dataset.js';
import { DEFAULTS } from '../generators/parameters.js';

/** `npm run generate -- --help`. */
export const GENERATE_HELP = `Usage: npm run -s generate -- [options]

Makes a synthetic trial dataset without a server: the same generators, parameters and bytes as
POST /generation/generate/<method> (JSON: the preview's body; CSV: a stored dataset's export).
The study is the platform's default design (schedule Screening, Day 1, Week 4, Week 12; arms
Active and Placebo 1:1; subject ids RA001-001...) under the protocol id given.

Generation
  --method rules|mvn|bootstrap|ae   generator (default rules)
  --subjects N                 subjects in all, split by the allocation ratio (n_total)
  --per-arm N                  subjects per arm (n_per_arm; default ${DEFAULTS.n_per_arm})
  --seed N                     0 to 4294967295 (default ${DEFAULTS.seed}); same parameters and seed, same bytes
  --reference-date YYYY-MM-DD  the first subject's Day 1 (default ${DEFAULTS.reference_date})
  --enrolment-days N           subjects' Day 1 spread over this many days (default ${DEFAULTS.enrolment_days})
  --sites N | --sites S01,S02  how many sites, or which (default ${DEFAULTS.sites})
  --protocol ID                protocol id written in the data (default DEFAULT)
  --first-subject-number N     number of the first subject (default ${DEFAULTS.first_subject_number})
  --missing-rate x             share of visits missed (0 to 1)
  --dropout-rate x             share of subjects dropping out (0 to 1)
  --error-rate kind=x          injected errors per record, repeatable; kinds:
                               ${INJECTED_ERROR_KINDS.join(', ')}
  --errors kind=x,kind=y       the same, as one list
  --ae-rate Arm=x              mean adverse events per subject in an arm, repeatable
                               (default Active=0.8, other arms 0.5)
  --serious-rate x             share of adverse events that are serious (default ${DEFAULTS.serious_rate})
  --target-effect x            rules: Active - Placebo systolic BP, mmHg (default ${DEFAULTS.target_effect})
  --effect-visit NAME          rules: the visit where the effect is reached (default the last)
  --jitter x                   bootstrap: noise as a fraction of each variable's SD (default ${DEFAULTS.jitter})
  --source FILE.json           mvn, bootstrap: records to learn from (an array of store-vitals
                               records, or a preview); mvn without it uses the design's means and SDs

Output
  --out FILE                   where to write (default standard output)
  --format csv|json            default json for a .json --out, else csv
  --table vitals|adverse_events|subjects
                               csv only: which table (default vitals; adverse_events for --method ae)
  --manifest FILE              also write the manifest (parameters, counts, injected errors, content hash)
  -h, --help                   this text

Exit status: 0 done, 1 failed, 2 wrong usage, 130 interrupted (Ctrl-C; no output file is left).

Examples
  npm run -s generate -- --method rules --subjects 200 --seed 42 --out trial.csv
  npm run -s generate -- --per-arm 100 --errors typo=0.02,swapped_bp=0.01 --out trial.json --manifest trial.manifest.json
  npm run -s generate -- --method bootstrap --source trial.json --per-arm 500 --out resampled.csv
`;
