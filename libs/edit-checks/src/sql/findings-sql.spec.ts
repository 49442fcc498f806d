import type pg from 'pg';
import { type MigratedDatabase, openMigratedDatabase } from '../../../../test/support/migrated-database.js';
import type { Rule } from '../rule.js';
import { type BatchRow, batchRelation, type StoredScope, storedRelation } from './checked-vitals.js';
import { findingsSql } from './findings-sql.js';
import { SqlParams } from './sql-params.js';

/**
 * Every rule type compiled to SQL and run as the services' database login over small batches whose
 * findings are known, over a study set up with sites, arms, a schedule and a subject id format.
 */
describe('rules compiled to SQL', () => {
  let opened: MigratedDatabase | undefined;
  let runtime: pg.Client;

  beforeAll(async () => {
    opened = await openMigratedDatabase('quality-findings-sql-spec');
    runtime = opened.runtime;
    await opened.database.admin(`
      INSERT INTO studies (protocol_id, title, status, baseline_visit, subject_id_format)
        VALUES ('QC1', 'Checked study', 'enrolling', 'Baseline', 'QC.{site}-{seq:3}');
      INSERT INTO studies (protocol_id, title, status) VALUES ('BARE', 'No design', 'enrolling');
      INSERT INTO studies (protocol_id, title, status, allow_new_sites, allow_unscheduled_visits, allow_unlisted_arms)
        VALUES ('FLEX', 'Open design', 'enrolling', true, true, true);
      INSERT INTO study_sites (protocol_id, site_id) VALUES ('QC1', 'S01'), ('QC1', 'S.2'), ('FLEX', 'S01');
      INSERT INTO study_arms (protocol_id, arm_code, display_order) VALUES ('QC1', 'A', 1), ('QC1', 'B', 2), ('FLEX', 'A', 1);
      INSERT INTO study_visits (protocol_id, visit_name, display_order, planned_day, window_before, window_after, required) VALUES
        ('QC1', 'Screening', 1, -7, 7, 0, true), ('QC1', 'Baseline', 2, 1, 0, 0, true), ('QC1', 'Week2', 3, 15, 2, 2, true),
        ('QC1', 'Week4', 4, 29, 3, 3, true), ('QC1', 'FollowUp', 5, 60, 5, 5, false), ('FLEX', 'Day1', 1, 1, 0, 0, true);
      INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm, status)
        VALUES ('QC1', 'DONE-1', 'S01', 'A', 'completed'), ('QC1', 'KNOWN-1', 'S.2', 'B', 'randomized');`);
  });
  afterAll(() => opened?.close());

  let index = 0;
  const record = (values: Partial<BatchRow>): BatchRow => ({
    row_index: index++,
    protocol_id: 'QC1',
    subject_id: 'QC.S01-001',
    site_id: 'S01',
    arm: 'A',
    visit_name: 'Baseline',
    visit_date: null,
    measurement_time: null,
    systolic_bp: 120,
    diastolic_bp: 80,
    heart_rate: 70,
    temperature: 36.8,
    respiratory_rate: 16,
    ...values,
  });
  const batch = (...values: Array<Partial<BatchRow>>): BatchRow[] => {
    index = 0;
    return values.map(record);
  };

  interface Row {
    rule_id: string;
    severity: string;
    hard: boolean;
    protocol_id: string;
    site_id: string | null;
    subject_id: string;
    patient_id: string | null;
    row_index: number | null;
    visit_name: string | null;
    field: string;
    value: string | null;
    message: string;
  }
  const run = async (rule: Partial<Rule> & Pick<Rule, 'type'>, rows: BatchRow[], protocolId = 'QC1'): Promise<Row[]> => {
    const params = new SqlParams();
    const full = { id: 'T1', severity: 'major', message: 'check it', enabled: true, hard: false, ...rule } as Rule;
    const sql = findingsSql(batchRelation(params, rows), [{ protocolId, version: 0, rules: [full] }], params);
    const { rows: found } = await runtime.query<Row>(`${sql} ORDER BY row_index NULLS LAST, subject_id, visit_name`, params.values);
    return found;
  };
  /** The flagged records' positions. */
  const flagged = async (rule: Partial<Rule> & Pick<Rule, 'type'>, rows: BatchRow[], protocolId = 'QC1') =>
    (await run(rule, rows, protocolId)).map((finding) => finding.row_index);

  describe('range', () => {
    const rule = { type: 'range', field: 'SystolicBP', min: 95, max: 200, hard_min: 60, hard_max: 250 } as const;

    it('flags values beyond the soft limits as soft and beyond the hard limits as hard; exactly on a limit or null is no finding', async () => {
      const found = await run(rule, batch(
        { systolic_bp: 95 }, { systolic_bp: 200 }, { systolic_bp: 94 }, { systolic_bp: 201 },
        { systolic_bp: 59 }, { systolic_bp: 251 }, { systolic_bp: 60 }, { systolic_bp: 250 }, { systolic_bp: null },
      ));
      expect(found.map((f) => [f.row_index, f.value, f.hard])).toEqual([
        [2, '94', false], [3, '201', false], [4, '59', true], [5, '251', true], [6, '60', false], [7, '250', false],
      ]);
      expect(found[0]).toMatchObject({
        rule_id: 'T1', severity: 'major', protocol_id: 'QC1', site_id: 'S01', subject_id: 'QC.S01-001',
        visit_name: 'Baseline', field: 'SystolicBP', message: 'check it',
      });
    });

    it('reads decimals: 40.0 is inside 35.0-40.0, 40.1 is not, and a value reads without trailing zeros', async () => {
      const found = await run({ type: 'range', field: 'Temperature', min: 35, max: 40 }, batch(
        { temperature: 40.0 }, { temperature: 40.1 }, { temperature: 34.9 }, { temperature: 35 }, { temperature: 98.6 },
      ));
      expect(found.map((f) => [f.row_index, f.value])).toEqual([[1, '40.1'], [2, '34.9'], [4, '98.6']]);
    });

    it('checks only the limits it has', async () => {
      expect(await flagged({ type: 'range', field: 'HeartRate', max: 120 }, batch({ heart_rate: 10 }, { heart_rate: 121 }))).toEqual([1]);
      expect(await flagged({ type: 'range', field: 'HeartRate' }, batch({ heart_rate: 10 }))).toEqual([]);
    });
  });

  describe('comparison', () => {
    it('flags a record where left op right + offset does not hold; equality with the offset holds; a null side is no finding', async () => {
      const rule = { type: 'comparison', left: 'SystolicBP', operator: '>=', right: 'DiastolicBP', offset: 5 } as const;
      const found = await run(rule, batch(
        { systolic_bp: 120, diastolic_bp: 115 }, { systolic_bp: 120, diastolic_bp: 116 }, { systolic_bp: 120, diastolic_bp: null },
      ));
      expect(found.map((f) => [f.row_index, f.field, f.value])).toEqual([[1, 'SystolicBP', '120']]);
    });

    it.each([
      ['>', [0, 1]], ['<=', [2]], ['<', [0, 2]], ['=', [1, 2]], ['!=', [0]],
    ] as const)('reads the operator %s', async (operator, expected) => {
      const rule = { type: 'comparison', left: 'HeartRate', operator, right: 'RespiratoryRate', offset: 0 } as const;
      expect(await flagged(rule, batch(
        { heart_rate: 20, respiratory_rate: 20 }, { heart_rate: 10, respiratory_rate: 20 }, { heart_rate: 30, respiratory_rate: 20 },
      ))).toEqual(expected);
    });
  });

  describe('allowed values', () => {
    it('flags a value outside the listed values', async () => {
      const found = await run({ type: 'allowed_values', field: 'TreatmentArm', values: ['A', 'B'] }, batch({ arm: 'A' }, { arm: 'C' }, { arm: 'b' }));
      expect(found.map((f) => [f.row_index, f.field, f.value])).toEqual([[1, 'TreatmentArm', 'C'], [2, 'TreatmentArm', 'b']]);
    });

    it("flags a visit, arm or site the study does not list", async () => {
      const rows = batch({ visit_name: 'Week2' }, { visit_name: 'Unscheduled', arm: 'C', site_id: 'S03' }, { site_id: 'S.2' });
      expect(await flagged({ type: 'allowed_values', field: 'VisitName', from: 'study_visits' }, rows)).toEqual([1]);
      expect(await flagged({ type: 'allowed_values', field: 'TreatmentArm', from: 'study_arms' }, rows)).toEqual([1]);
      expect(await flagged({ type: 'allowed_values', field: 'SiteID', from: 'study_sites' }, rows)).toEqual([1]);
    });

    it('skips a study that lists none, or lets unlisted ones in', async () => {
      const rows = (protocol_id: string) => batch({ protocol_id, visit_name: 'Unscheduled', arm: 'C', site_id: 'S03' });
      for (const protocol of ['BARE', 'FLEX', 'NO-SUCH-STUDY']) {
        for (const [field, from] of [['VisitName', 'study_visits'], ['TreatmentArm', 'study_arms'], ['SiteID', 'study_sites']] as const) {
          expect(await flagged({ type: 'allowed_values', field, from }, rows(protocol), protocol)).toEqual([]);
        }
      }
    });
  });

  describe('pattern', () => {
    it('matches a regular expression against the whole value', async () => {
      expect(await flagged({ type: 'pattern', field: 'SubjectID', regex: '[0-9]{3}' }, batch(
        { subject_id: '123' }, { subject_id: '1234' }, { subject_id: 'a123' }, { subject_id: '12' },
      ))).toEqual([1, 2, 3]);
    });

    it("matches the study's subject id format: the site of the row, the sequence with at least its digits, a dot taken literally", async () => {
      const found = await run({ type: 'pattern', field: 'SubjectID', from: 'study_subject_id_format' }, batch(
        { subject_id: 'QC.S01-001' }, { subject_id: 'QC.S01-0012' }, { subject_id: 'QC.S01-01' }, { subject_id: 'QCxS01-001' },
        { subject_id: 'QC.S01-001', site_id: 'S.2' }, { subject_id: 'QC.S.2-001', site_id: 'S.2' }, { subject_id: 'QC.Sx2-001', site_id: 'S.2' },
        { subject_id: 'QC.S01-001x' },
      ));
      expect(found.map((f) => [f.row_index, f.value])).toEqual([
        [2, 'QC.S01-01'], [3, 'QCxS01-001'], [4, 'QC.S01-001'], [6, 'QC.Sx2-001'], [7, 'QC.S01-001x'],
      ]);
    });

    it('takes the site of a stored subject when the record names none', async () => {
      const rows = batch({ subject_id: 'KNOWN-1', site_id: null });
      const found = await run({ type: 'allowed_values', field: 'SiteID', values: ['S01'] }, rows);
      expect(found.map((f) => [f.site_id, f.value, f.patient_id === null])).toEqual([['S.2', 'S.2', false]]);
    });

    it('skips a study without a subject id format', async () => {
      expect(await flagged({ type: 'pattern', field: 'SubjectID', from: 'study_subject_id_format' }, batch({ protocol_id: 'BARE', subject_id: '??' }), 'BARE')).toEqual([]);
    });
  });

  describe('constant within subject', () => {
    it("flags each record whose value differs from the subject's first record by measurement time", async () => {
      const found = await run({ type: 'constant_within_subject', field: 'TreatmentArm' }, batch(
        { arm: 'B', measurement_time: '2026-01-03T09:00:00Z' },
        { arm: 'A', measurement_time: '2026-01-01T09:00:00Z' },
        { arm: 'A', measurement_time: '2026-01-02T09:00:00Z' },
        { arm: 'B', subject_id: 'OTHER', measurement_time: '2026-01-01T09:00:00Z' },
        { arm: null, measurement_time: '2026-01-04T09:00:00Z' },
      ));
      expect(found.map((f) => [f.row_index, f.value])).toEqual([[0, 'B']]);
    });
  });

  describe('required visits', () => {
    it('finds a required visit missing before a later visit with data, once per subject and visit', async () => {
      const found = await run({ type: 'required_visits' }, batch(
        { visit_name: 'Screening' }, { visit_name: 'Week2' }, { visit_name: 'Week2' },
        { subject_id: 'ON-TIME', visit_name: 'Screening' }, { subject_id: 'ON-TIME', visit_name: 'Baseline' },
      ));
      expect(found.map((f) => [f.subject_id, f.visit_name, f.field, f.value, f.row_index])).toEqual([['QC.S01-001', 'Baseline', 'VisitName', null, null]]);
    });

    it('finds every required visit missing of a subject who completed the study (optional visits excepted)', async () => {
      const found = await run({ type: 'required_visits' }, batch({ subject_id: 'DONE-1', visit_name: 'Screening' }));
      expect(found.map((f) => f.visit_name)).toEqual(['Baseline', 'Week2', 'Week4']);
      expect(found[0]).toMatchObject({ site_id: 'S01', subject_id: 'DONE-1' });
      expect(found[0].patient_id).not.toBeNull();
    });

    it("matches a batch record with a stored subject of the record's own site only, so a batch cannot probe another site's subjects", async () => {
      // DONE-1 is stored at S01, completed: a record naming S.2 knows nothing of it.
      const found = await run({ type: 'required_visits' }, batch({ subject_id: 'DONE-1', site_id: 'S.2', visit_name: 'Screening' }));
      expect(found).toEqual([]);
      const ownSite = await run({ type: 'required_visits' }, batch({ subject_id: 'DONE-1', site_id: 'S01', visit_name: 'Screening' }));
      expect(ownSite.map((f) => f.visit_name)).toEqual(['Baseline', 'Week2', 'Week4']);
    });

    it('checks the visits a rule lists, in schedule order', async () => {
      const rule = { type: 'required_visits' as const, visits: ['Screening', 'FollowUp'] };
      expect((await run(rule, batch({ visit_name: 'Week2' }))).map((f) => f.visit_name)).toEqual(['Screening']);
      expect((await run(rule, batch({ subject_id: 'DONE-1', visit_name: 'Screening' }))).map((f) => f.visit_name)).toEqual(['FollowUp']);
    });

    it('orders the listed visits as listed in a study without a schedule', async () => {
      const rule = { type: 'required_visits' as const, visits: ['V1', 'V2', 'V3'] };
      const found = await run(rule, batch({ protocol_id: 'BARE', visit_name: 'V3' }, { protocol_id: 'BARE', visit_name: 'V1' }), 'BARE');
      expect(found.map((f) => f.visit_name)).toEqual(['V2']);
    });
  });

  describe('visit window', () => {
    it('counts study days from the earliest baseline date (day 1, no day 0) and flags dates outside the window, edges inside', async () => {
      const found = await run({ type: 'visit_window' }, batch(
        { visit_name: 'Baseline', visit_date: '2026-01-12' },
        { visit_name: 'Baseline', visit_date: '2026-01-10' },
        { visit_name: 'Week2', visit_date: '2026-01-22' }, // day 13: the window's first day
        { visit_name: 'Week2', visit_date: '2026-01-26' }, // day 17: its last
        { visit_name: 'Week2', visit_date: '2026-01-27' }, // day 18
        { visit_name: 'Screening', visit_date: '2026-01-03' }, // day -7
        { visit_name: 'Screening', visit_date: '2026-01-04' }, // day -6
        { visit_name: 'Week4', visit_date: null },
        { visit_name: 'Unscheduled', visit_date: '2027-01-01' },
      ));
      expect(found.map((f) => [f.row_index, f.field, f.value])).toEqual([[0, 'VisitDate', '2026-01-12'], [4, 'VisitDate', '2026-01-27'], [6, 'VisitDate', '2026-01-04']]);
    });

    it('skips a subject without a baseline date, and a study without a baseline visit', async () => {
      expect(await flagged({ type: 'visit_window' }, batch({ visit_name: 'Week2', visit_date: '2026-01-01' }, { visit_name: 'Baseline' }))).toEqual([]);
      expect(await flagged({ type: 'visit_window' }, batch({ protocol_id: 'BARE', visit_name: 'Week2', visit_date: '2026-01-01' }), 'BARE')).toEqual([]);
    });
  });

  describe('unique', () => {
    it('flags every record after the first by measurement time sharing the fields, naming the last field', async () => {
      const found = await run({ type: 'unique', fields: ['SubjectID', 'VisitName'] }, batch(
        { measurement_time: '2026-01-02T09:00:00Z' }, { measurement_time: '2026-01-01T09:00:00Z' }, { measurement_time: null },
        { visit_name: 'Week2' }, { subject_id: 'OTHER' },
      ));
      expect(found.map((f) => [f.row_index, f.field, f.value])).toEqual([[0, 'VisitName', 'Baseline'], [2, 'VisitName', 'Baseline']]);
    });
  });

  describe('change from previous', () => {
    it("compares each visit with the subject's previous one in schedule order; a change of exactly max_change passes", async () => {
      const found = await run({ type: 'change_from_previous', field: 'SystolicBP', max_change: 40 }, batch(
        { visit_name: 'Week2', systolic_bp: 201 }, { visit_name: 'Screening', systolic_bp: 120 }, { visit_name: 'Baseline', systolic_bp: 160 },
        { visit_name: 'Unscheduled', systolic_bp: 300 }, { visit_name: 'Week4', systolic_bp: 160 },
        { subject_id: 'OTHER', visit_name: 'Week2', systolic_bp: 60 }, { subject_id: 'OTHER', visit_name: 'Week4', systolic_bp: null },
      ));
      expect(found.map((f) => [f.row_index, f.value])).toEqual([[0, '201'], [4, '160']]);
    });

    it('orders by visit date in a study without a schedule', async () => {
      expect(await flagged({ type: 'change_from_previous', field: 'HeartRate', max_change: 10 }, batch(
        { protocol_id: 'BARE', visit_name: 'B', visit_date: '2026-02-01', heart_rate: 95 },
        { protocol_id: 'BARE', visit_name: 'A', visit_date: '2026-01-01', heart_rate: 80 },
        { protocol_id: 'BARE', visit_name: 'C', visit_date: '2026-03-01', heart_rate: 90 },
      ), 'BARE')).toEqual([0]);
    });
  });

  describe('outlier', () => {
    const group = (arm: string, values: number[]) => values.map((systolic_bp) => ({ arm, systolic_bp }));

    it('flags values beyond k SDs of the mean within arm and visit, and skips groups below min_group_size', async () => {
      const rows = batch(...group('A', [100, 100, 100, 100, 100, 100, 100, 100, 100, 200]), ...group('B', [100, 100, 100, 300]));
      const found = await run({ type: 'outlier', field: 'SystolicBP', method: 'sd', k: 2, min_group_size: 5 }, rows);
      expect(found.map((f) => [f.row_index, f.value])).toEqual([[9, '200']]);
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'sd', k: 3, min_group_size: 5 }, rows)).toEqual([]);
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'sd', k: 1, min_group_size: 4 }, rows)).toEqual([9, 13]);
    });

    it('flags values outside the IQR fences (continuous quartiles); a value on a fence passes', async () => {
      // Quartiles of 0, 20, 30, 40, 60: 20 and 40, IQR 20; with k = 1 the fences are 0 and 60, exactly the extremes.
      const onFences = batch(...group('A', [0, 20, 30, 40, 60]));
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'iqr', k: 1, min_group_size: 3 }, onFences)).toEqual([]);
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'iqr', k: 0.9, min_group_size: 3 }, onFences)).toEqual([0, 4]);
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'iqr', k: 0.9, min_group_size: 6 }, onFences)).toEqual([]);
      // 10 to 61: Q1 25, Q3 55 (interpolated), IQR 30; k = 0.1 gives fences 22 and 58.
      const rows = batch(...group('A', [10, 20, 30, 40, 50, 60, 61]));
      expect(await flagged({ type: 'outlier', field: 'SystolicBP', method: 'iqr', k: 0.1, min_group_size: 3 }, rows)).toEqual([0, 1, 5, 6]);
    });
  });

  describe('stored data', () => {
    const DATASET = '0b6c7c36-56c3-4d0e-9d3f-5f5b2a3c1d11';
    const rules: Rule[] = [
      { id: 'HIGH', type: 'range', field: 'SystolicBP', max: 150, severity: 'minor', message: 'high', enabled: true, hard: false },
      { id: 'ARM', type: 'allowed_values', field: 'TreatmentArm', from: 'study_arms', severity: 'major', message: 'arm', enabled: true, hard: false },
      { id: 'REQ', type: 'required_visits', severity: 'major', message: 'missing', enabled: true, hard: false },
    ];
    beforeAll(async () => {
      await opened!.database.admin(`
        INSERT INTO studies (protocol_id, title, status, baseline_visit) VALUES ('STORED', 'Stored', 'enrolling', 'Day1');
        INSERT INTO study_arms (protocol_id, arm_code, display_order) VALUES ('STORED', 'A', 1);
        INSERT INTO study_visits (protocol_id, visit_name, display_order, planned_day) VALUES ('STORED', 'Day1', 1, 1), ('STORED', 'Day8', 2, 8);
        INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm, status, dataset_id) VALUES
          ('STORED', 'P-1', 'S01', 'A', 'randomized', NULL), ('STORED', 'P-2', 'S02', 'Z', 'completed', NULL),
          ('STORED', 'P-3', 'S02', 'A', 'randomized', '${DATASET}'), ('QC1', 'OTHER-STUDY', 'S01', 'A', 'randomized', NULL);
        INSERT INTO vital_signs (patient_id, visit_name, visit_date, systolic_bp, diastolic_bp, heart_rate, temperature, data_batch)
          SELECT p.id, v.visit_name, v.visit_date::date, v.systolic, 80, 70, 36.8, gen_random_uuid()
            FROM (VALUES ('P-1', 'Day1', '2026-01-01', 160), ('P-1', 'Day8', '2026-01-08', 120), ('P-2', 'Day1', '2026-01-02', 151),
                         ('P-3', 'Day8', '2026-01-09', 170), ('OTHER-STUDY', 'Day1', '2026-01-01', 200)) AS v(subject, visit_name, visit_date, systolic)
            JOIN patients p ON p.subject_number = v.subject;`);
    });

    const storedFindings = async (scope: Partial<StoredScope>) => {
      const params = new SqlParams();
      const relation = storedRelation(params, { protocolId: 'STORED', siteIds: null, subjectId: null, datasetId: null, ...scope });
      const sql = findingsSql(relation, [{ protocolId: 'STORED', version: 1, rules }], params);
      const { rows } = await runtime.query<Row & { vital_sign_id: string | null }>(`${sql} ORDER BY subject_id, rule_id, visit_name`, params.values);
      return rows.map((f) => `${f.rule_id} ${f.site_id} ${f.subject_id} ${f.visit_name} ${f.value} ${f.vital_sign_id === null ? 'subject' : 'record'}`);
    };

    it('reads the edc_vitals view as the services\' login, and finds what the same records sent as a batch give', async () => {
      const stored = await storedFindings({});
      expect(stored).toEqual([
        'HIGH S01 P-1 Day1 160 record',
        'ARM S02 P-2 Day1 Z record',
        'HIGH S02 P-2 Day1 151 record',
        'REQ S02 P-2 Day8 null subject',
        'HIGH S02 P-3 Day8 170 record',
        'REQ S02 P-3 Day1 null subject',
      ]);
      const params = new SqlParams();
      const asBatch = batch(
        { protocol_id: 'STORED', subject_id: 'P-1', site_id: 'S01', arm: 'A', visit_name: 'Day1', visit_date: '2026-01-01', systolic_bp: 160 },
        { protocol_id: 'STORED', subject_id: 'P-1', site_id: 'S01', arm: 'A', visit_name: 'Day8', visit_date: '2026-01-08', systolic_bp: 120 },
        { protocol_id: 'STORED', subject_id: 'P-2', site_id: 'S02', arm: 'Z', visit_name: 'Day1', visit_date: '2026-01-02', systolic_bp: 151 },
        { protocol_id: 'STORED', subject_id: 'P-3', site_id: 'S02', arm: 'A', visit_name: 'Day8', visit_date: '2026-01-09', systolic_bp: 170 },
      );
      const sql = findingsSql(batchRelation(params, asBatch), [{ protocolId: 'STORED', version: 1, rules }], params);
      const { rows } = await runtime.query<Row>(`${sql} ORDER BY subject_id, rule_id, visit_name`, params.values);
      expect(rows.map((f) => `${f.rule_id} ${f.site_id} ${f.subject_id} ${f.visit_name} ${f.value} ${f.row_index === null ? 'subject' : 'record'}`)).toEqual(stored);
    });

    it('narrows to sites, a subject or a generated dataset', async () => {
      expect(await storedFindings({ siteIds: ['S01'] })).toEqual(['HIGH S01 P-1 Day1 160 record']);
      expect(await storedFindings({ siteIds: [] })).toEqual([]);
      expect(await storedFindings({ subjectId: 'P-2' })).toEqual(['ARM S02 P-2 Day1 Z record', 'HIGH S02 P-2 Day1 151 record', 'REQ S02 P-2 Day8 null subject']);
      expect(await storedFindings({ datasetId: DATASET })).toEqual(['HIGH S02 P-3 Day8 170 record', 'REQ S02 P-3 Day1 null subject']);
    });
  });

  describe('a library', () => {
    it('runs only enabled rules, each over its own study, and binds everything a rule says', async () => {
      const params = new SqlParams();
      const hostile = "x'; DROP TABLE quality_findings; --";
      const rules: Rule[] = [
        { id: 'R1', type: 'range', field: 'SystolicBP', max: 100, severity: 'critical', message: hostile, enabled: true, hard: false },
        { id: 'R2', type: 'range', field: 'SystolicBP', max: 100, severity: 'minor', message: 'off', enabled: false, hard: false },
        { id: 'R3', type: 'pattern', field: 'SubjectID', regex: "[';]+|--", severity: 'minor', message: 'm', enabled: true, hard: true },
      ];
      const sql = findingsSql(batchRelation(params, batch({ systolic_bp: 120 }, { protocol_id: 'BARE', systolic_bp: 130 })), [
        { protocolId: 'QC1', version: 1, rules },
      ], params);
      expect(sql).not.toContain('DROP TABLE');
      const { rows } = await runtime.query<Row>(sql, params.values);
      expect(rows.map((f) => [f.rule_id, f.row_index, f.severity, f.hard, f.message])).toEqual([
        ['R1', 0, 'critical', false, hostile], ['R3', 0, 'minor', true, 'm'],
      ]);
    });

    it('gives no rows for a library with no rules', async () => {
      const params = new SqlParams();
      const { rows } = await runtime.query(findingsSql(batchRelation(params, batch({})), [{ protocolId: 'QC1', version: 0, rules: [] }], params), params.values);
      expect(rows).toEqual([]);
    });
  });
});
