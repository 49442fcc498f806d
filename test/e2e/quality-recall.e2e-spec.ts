import type { Response } from 'supertest';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';

/**
 * The default rules measured against known errors (issue 9): a study generated with injected
 * errors and missed visits, recorded in its manifest, is stored through the gateway and checked
 * with the default rules; each injected error is looked for among the findings of the rule meant
 * to catch it. Per kind: recall = errors found by their rule / errors present. A study generated
 * without errors or missed visits must give no finding at all (precision 100%).
 *
 * Two ways in, as the errors reach the data:
 * - stored (`POST /quality/checks/run`): what capture stores. Out-of-range values, duplicate
 *   visits and typos are stored (when capture takes the record); missed visits leave a hole.
 * - a batch (`POST /quality/checks/validate` on the exported records): swapped pressures, °F
 *   temperatures and arm switches are never stored (capture refuses the record), so they are
 *   checked as a site would send them, before capture.
 */

const SEED = 20_261_126;
const N_PER_ARM = 200;
const ERROR_RATES = { out_of_range: 0.03, swapped_bp: 0.03, unit_flip: 0.03, typo: 0.03, duplicate_visit: 0.03, arm_switch: 0.05 };

const SCHEDULE = [
  { visit_name: 'Screening', planned_day: -1, window_before: 13 },
  { visit_name: 'Day 1', planned_day: 1 },
  { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3 },
  { visit_name: 'Week 12', planned_day: 84, window_before: 7, window_after: 7 },
];
const VISIT_ORDER = new Map(SCHEDULE.map((visit, index) => [visit.visit_name, index]));

/** The range rule of each numeric field. */
const RANGE_RULE: Record<string, string> = { SystolicBP: 'VS001', DiastolicBP: 'VS002', HeartRate: 'VS003', Temperature: 'VS004' };

type Kind = 'out_of_range' | 'swapped_bp' | 'unit_flip' | 'typo' | 'duplicate_visit' | 'arm_switch';

interface InjectedError {
  kind: Kind;
  SubjectID: string;
  VisitName: string;
  field: string | null;
  original: string | number | null;
  injected: string | number | null;
  storable: boolean;
}

interface Omission {
  kind: 'missing_visit' | 'dropout';
  SubjectID: string;
  VisitName: string;
}

interface ExportedRecord {
  SubjectID: string;
  VisitName: string;
  MeasurementTime: string;
  [field: string]: unknown;
}

interface Exported {
  records: ExportedRecord[];
  subjects: Array<{ SubjectID: string; Status: string }>;
  manifest: { injected_errors: InjectedError[]; omissions: Omission[]; counts: Record<string, number> };
}

interface Finding {
  rule_id: string;
  subject_id: string;
  visit_name: string | null;
  field: string | null;
  value: string | null;
}

/** One line of the table: how many errors of a kind were there to find, and how many their rule found. */
interface Measure {
  kind: string;
  rule: string;
  injected: number;
  found: number;
  missed: unknown[];
}

const key = (...parts: Array<string | null | undefined>): string => parts.map((part) => part ?? '').join('\u0000');
const recall = (measure: Measure): string => (measure.injected === 0 ? 'n/a' : `${((100 * measure.found) / measure.injected).toFixed(1)}%`);

/** The rule meant to catch an error of a kind (null: none is meant to). */
function ruleFor(error: InjectedError): string | null {
  switch (error.kind) {
    case 'out_of_range':
      return RANGE_RULE[error.field!];
    case 'swapped_bp':
      return 'VS005';
    case 'unit_flip':
      return 'VS004';
    case 'duplicate_visit':
      return 'VS012';
    case 'arm_switch':
      return 'VS010';
    case 'typo':
      // Not meant to be caught unless it leaves the range (or brings the pressures within 5 mmHg).
      return null;
  }
}

function catches(error: InjectedError, findings: readonly Finding[]): boolean {
  const rule = ruleFor(error);
  switch (error.kind) {
    case 'arm_switch':
      // VS010 flags the records that differ from the subject's first: the switched one, or (when it comes first) the others.
      return findings.some((finding) => finding.rule_id === rule && finding.subject_id === error.SubjectID);
    case 'duplicate_visit':
      return findings.some((finding) => finding.rule_id === rule && finding.subject_id === error.SubjectID && finding.visit_name === error.VisitName);
    case 'typo':
      return findings.some(
        (finding) => /^VS00[1-5]$/.test(finding.rule_id) && finding.subject_id === error.SubjectID && finding.visit_name === error.VisitName,
      );
    case 'swapped_bp':
      return findings.some((finding) => finding.rule_id === rule && finding.subject_id === error.SubjectID && finding.visit_name === error.VisitName);
    default:
      // A range rule's finding names the field and the value injected.
      return findings.some(
        (finding) =>
          finding.rule_id === rule &&
          finding.subject_id === error.SubjectID &&
          finding.visit_name === error.VisitName &&
          finding.field === error.field &&
          Number(finding.value) === error.injected,
      );
  }
}

/**
 * Whether the error is still in the records as generated: a later error on the same field (a typo
 * on an out-of-range value) may have replaced it, and then the later one is the one to find.
 */
function stillPresent(error: InjectedError, records: readonly ExportedRecord[]): boolean {
  if (error.field === null) return true;
  return records.some((record) => record.SubjectID === error.SubjectID && record.VisitName === error.VisitName && record[error.field!] === error.injected);
}

/** The rule column of the table. */
const RULE_LABEL: Record<Kind, string> = {
  out_of_range: 'VS001–VS004 (by field)',
  swapped_bp: 'VS005',
  unit_flip: 'VS004',
  typo: 'none meant (any of VS001–VS005 counted)',
  duplicate_visit: 'VS012',
  arm_switch: 'VS010',
};

function measureErrors(kind: Kind, errors: readonly InjectedError[], findings: readonly Finding[]): Measure {
  const ofKind = errors.filter((error) => error.kind === kind);
  const missed = ofKind.filter((error) => !catches(error, findings));
  return { kind, rule: RULE_LABEL[kind], injected: ofKind.length, found: ofKind.length - missed.length, missed };
}

function printTable(title: string, measures: readonly Measure[]): void {
  const lines = [`${title}`, '| kind | rule | injected | found | recall |', '|---|---|---:|---:|---:|'];
  for (const measure of measures) lines.push(`| ${measure.kind} | ${measure.rule} | ${measure.injected} | ${measure.found} | ${recall(measure)} |`);
  console.log(lines.join('\n'));
}

describe('the default rules against known errors (all-in-one, through the gateway)', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(() => platform?.close());

  function expectStatus(response: Response, status: number): void {
    expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
  }

  /** A study with its own schedule, arms, sites and subject id format, so that every default rule applies. */
  async function createStudy(protocolId: string): Promise<void> {
    const created = await platform.admin.post('/edc/studies').send({
      protocol_id: protocolId,
      title: `Recall of the default rules (${protocolId})`,
      status: 'enrolling',
      baseline_visit: 'Day 1',
      subject_id_format: `${protocolId}-{seq:4}`,
      sites: [{ site_id: 'S01' }, { site_id: 'S02' }, { site_id: 'S03' }],
      arms: [
        { arm_code: 'Active', allocation_ratio: 1 },
        { arm_code: 'Placebo', allocation_ratio: 1 },
      ],
      schedule: SCHEDULE,
    });
    expectStatus(created, 201);
  }

  /** Generates and stores a dataset in the study (a background job), waits for it, and answers its id and JSON export. */
  async function storedDataset(protocolId: string, parameters: Record<string, unknown>): Promise<{ id: string; exported: Exported }> {
    const queued = await platform.admin.post('/generation/generate/rules').send({ protocol_id: protocolId, n_per_arm: N_PER_ARM, seed: SEED, sites: 3, store: true, ...parameters });
    expectStatus(queued, 202);
    const id: string = queued.body.id;
    const job = await eventually(
      async () => {
        const polled = await platform.admin.get(`/generation/jobs/${id}`);
        expectStatus(polled, 200);
        return ['stored', 'failed', 'cancelled'].includes(polled.body.state) ? polled : undefined;
      },
      120_000,
      200,
    );
    expect(job.body).toMatchObject({ state: 'stored', error: null });
    const exported = await platform.admin.get(`/generation/datasets/${id}/export?format=json`).buffer(true);
    expectStatus(exported, 200);
    return { id, exported: JSON.parse(exported.text) as Exported };
  }

  /** Runs the default checks over a stored dataset and reads every page of its findings. */
  async function runChecks(protocolId: string, datasetId: string): Promise<{ run: Record<string, unknown>; findings: Finding[] }> {
    const run = await platform.admin.post('/quality/checks/run').send({ study: protocolId, dataset_id: datasetId });
    expect([200, 201]).toContain(run.status);
    const findings: Finding[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await platform.admin.get(`/quality/checks/runs/${run.body.id}/findings?limit=500&offset=${offset}`);
      expectStatus(page, 200);
      findings.push(...page.body.data);
      if (offset + 500 >= page.body.page.total) {
        expect(findings).toHaveLength(page.body.page.total);
        expect(findings).toHaveLength(run.body.findings_total);
        break;
      }
    }
    return { run: run.body, findings };
  }

  /** The default checks on a batch, as a site would send it (nothing stored). */
  async function validate(protocolId: string, records: readonly ExportedRecord[]): Promise<Finding[]> {
    const checked = await platform.admin.post('/quality/checks/validate').send({ study: protocolId, records });
    expectStatus(checked, 200);
    expect(checked.body).toMatchObject({ total: records.length, invalid_records: [] });
    return checked.body.findings;
  }

  /** The records of a dataset that capture stored: subject, visit, measurement time. */
  async function storedKeys(datasetId: string): Promise<Set<string>> {
    const { rows } = await platform.database!.admin(
      `SELECT subject_number, visit_name, to_char(measurement_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS measurement_time
         FROM edc_vitals WHERE dataset_id = $1`,
      [datasetId],
    );
    return new Set(rows.map((row) => key(row.subject_number, row.visit_name, row.measurement_time)));
  }

  describe('a study generated without errors or missed visits', () => {
    const protocolId = 'NQC';
    let exported: Exported;
    let run: Record<string, unknown>;
    let findings: Finding[];

    beforeAll(async () => {
      await createStudy(protocolId);
      // Dropouts are not errors: a withdrawn subject's visits after it left must not be flagged either.
      const dataset = await storedDataset(protocolId, { missing_rate: 0, dropout_rate: 0.1 });
      exported = dataset.exported;
      ({ run, findings } = await runChecks(protocolId, dataset.id));
    }, 240_000);

    it('is stored whole: no injected errors, no missed visits, every record storable', () => {
      expect(exported.manifest.counts).toMatchObject({ injected_errors: 0, missing_visits: 0, not_storable_records: 0 });
      expect(exported.manifest.counts.dropouts).toBeGreaterThan(0);
      expect(exported.records.length).toBeGreaterThan(1_000);
    });

    it('gives no finding on the stored data (precision 100%)', () => {
      console.log(`Clean dataset (${exported.records.length} records, ${exported.subjects.length} subjects): ${findings.length} findings from the run`);
      expect(findings).toEqual([]);
      expect(run).toMatchObject({ protocol_id: protocolId, rules_version: 0, rows_checked: exported.records.length, subjects_checked: exported.subjects.length, findings_total: 0, queries_opened: 0 });
    });

    it('gives no finding on the same records sent as a batch', async () => {
      expect(await validate(protocolId, exported.records)).toEqual([]);
    });
  });

  describe('a study generated with injected errors and missed visits', () => {
    const protocolId = 'NQE';
    let exported: Exported;
    let stored: Set<string>;
    let storedFindings: Finding[];
    let batchFindings: Finding[];
    let errors: InjectedError[];

    beforeAll(async () => {
      await createStudy(protocolId);
      const dataset = await storedDataset(protocolId, { missing_rate: 0.05, dropout_rate: 0.05, errors: ERROR_RATES });
      exported = dataset.exported;
      stored = await storedKeys(dataset.id);
      storedFindings = (await runChecks(protocolId, dataset.id)).findings;
      batchFindings = await validate(protocolId, exported.records);
      errors = exported.manifest.injected_errors.filter((error) => stillPresent(error, exported.records));
    }, 240_000);

    it('has every kind of error several times, and missed visits', () => {
      const replaced = exported.manifest.injected_errors.length - errors.length;
      console.log(
        `Dataset with errors: ${exported.records.length} records (${exported.manifest.counts.not_storable_records} refused by capture), ${exported.subjects.length} subjects, ` +
          `${exported.manifest.injected_errors.length} injected errors (${replaced} replaced by a later error on the same value, not counted), ${exported.manifest.counts.missing_visits} missed visits`,
      );
      for (const kind of Object.keys(ERROR_RATES)) expect(exported.manifest.injected_errors.filter((error) => error.kind === kind).length).toBeGreaterThanOrEqual(5);
      expect(exported.manifest.omissions.filter((omission) => omission.kind === 'missing_visit').length).toBeGreaterThanOrEqual(5);
    });

    it('finds every stored out-of-range value and duplicate visit by its rule (recall 100%), and reports typos', () => {
      const storable = errors.filter((error) => error.storable);
      const measures = (['out_of_range', 'duplicate_visit', 'typo', 'swapped_bp', 'unit_flip', 'arm_switch'] as const).map((kind) => measureErrors(kind, storable, storedFindings));
      printTable('Stored data (POST /quality/checks/run), injected errors that capture stored:', measures);
      for (const measure of measures.filter((entry) => entry.kind === 'out_of_range' || entry.kind === 'duplicate_visit')) {
        expect(measure.injected).toBeGreaterThanOrEqual(5);
        expect({ kind: measure.kind, missed: measure.missed }).toEqual({ kind: measure.kind, missed: [] });
      }
      // Capture refuses a record with swapped pressures, a °F temperature or another arm: none of them is stored.
      for (const measure of measures.filter((entry) => ['swapped_bp', 'unit_flip', 'arm_switch'].includes(entry.kind))) expect(measure.injected).toBe(0);
    });

    it('finds every missed visit that the stored data shows (VS011, recall 100%)', () => {
      const storedSubjects = new Map<string, number>();
      for (const record of exported.records) {
        if (!stored.has(key(record.SubjectID, record.VisitName, record.MeasurementTime))) continue;
        const order = VISIT_ORDER.get(record.VisitName)!;
        storedSubjects.set(record.SubjectID, Math.max(order, storedSubjects.get(record.SubjectID) ?? -1));
      }
      const completed = new Set(exported.subjects.filter((subject) => subject.Status === 'completed').map((subject) => subject.SubjectID));
      const missed = exported.manifest.omissions.filter((omission) => omission.kind === 'missing_visit');
      // A missed visit shows when the subject has data at a later visit or completed the study: otherwise no check can tell it from a visit not yet due.
      const showing = missed.filter((omission) => {
        const lastStored = storedSubjects.get(omission.SubjectID);
        return lastStored !== undefined && (completed.has(omission.SubjectID) || lastStored > VISIT_ORDER.get(omission.VisitName)!);
      });
      const notFound = showing.filter(
        (omission) => !storedFindings.some((finding) => finding.rule_id === 'VS011' && finding.subject_id === omission.SubjectID && finding.visit_name === omission.VisitName),
      );
      printTable(`Stored data: missed visits (${missed.length} generated, ${showing.length} showing in the stored data):`, [
        { kind: 'missing_visit', rule: 'VS011', injected: showing.length, found: showing.length - notFound.length, missed: notFound },
      ]);
      expect(showing.length).toBeGreaterThanOrEqual(5);
      expect(notFound).toEqual([]);
    });

    it('finds every swapped pressure, °F temperature, arm switch, out-of-range value and duplicate visit in the batch (recall 100%)', () => {
      const measures = (['out_of_range', 'swapped_bp', 'unit_flip', 'duplicate_visit', 'arm_switch', 'typo'] as const).map((kind) => measureErrors(kind, errors, batchFindings));
      printTable('The exported records as a batch (POST /quality/checks/validate), every injected error:', measures);
      for (const measure of measures.filter((entry) => entry.kind !== 'typo')) {
        expect(measure.injected).toBeGreaterThanOrEqual(5);
        expect({ kind: measure.kind, missed: measure.missed }).toEqual({ kind: measure.kind, missed: [] });
      }
    });

    it('gives findings only where an error was injected or a visit missed (precision 100%)', () => {
      const onErrorRecord = new Set(exported.manifest.injected_errors.map((error) => key(error.SubjectID, error.VisitName)));
      const switched = new Set(exported.manifest.injected_errors.filter((error) => error.kind === 'arm_switch').map((error) => error.SubjectID));
      const missedVisits = new Set(exported.manifest.omissions.map((omission) => key(omission.SubjectID, omission.VisitName)));
      const refused = new Set(exported.records.filter((record) => !stored.has(key(record.SubjectID, record.VisitName, record.MeasurementTime))).map((record) => key(record.SubjectID, record.VisitName)));
      const explained = (finding: Finding): boolean => {
        const point = key(finding.subject_id, finding.visit_name);
        if (finding.rule_id === 'VS010') return switched.has(finding.subject_id);
        // A visit whose only record capture refused shows as missing too.
        if (finding.rule_id === 'VS011') return missedVisits.has(point) || refused.has(point);
        return onErrorRecord.has(point);
      };
      const lines = ['| rule | findings | on an injected error | precision |', '|---|---:|---:|---:|'];
      const rules = [...new Set(storedFindings.map((finding) => finding.rule_id))].sort();
      for (const rule of rules) {
        const ofRule = storedFindings.filter((finding) => finding.rule_id === rule);
        const matched = ofRule.filter(explained).length;
        lines.push(`| ${rule} | ${ofRule.length} | ${matched} | ${((100 * matched) / ofRule.length).toFixed(1)}% |`);
      }
      console.log(`Stored data: findings per rule that point at an injected error or a missed visit\n${lines.join('\n')}`);
      expect(storedFindings.length).toBeGreaterThan(0);
      expect(storedFindings.filter((finding) => !explained(finding))).toEqual([]);
    });
  });
});

