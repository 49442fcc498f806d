import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type Client, createUser, login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * SDTM and FHIR exports through the gateway: a study with a schedule (baseline visit "Day 1"),
 * three subjects at two sites with known vitals and adverse events gives exact SDTM rows (baseline
 * flag, study days without day 0, sequence numbers), the same rows as Dataset-JSON, and a FHIR
 * Bundle whose every Observation has the vital-signs profile's required elements; pages, a
 * site-limited user's export and its audit event, refused bodies, and a 5,000-record synthetic
 * study streamed whole.
 */

type Row = Record<string, string>;
type Json = Record<string, unknown>;

/** CSV without quoted fields (none of these values holds a comma or quote), as header-keyed rows. */
function csvRows(text: string): Row[] {
  const [header, ...lines] = text.split('\n').filter((line) => line !== '');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [names[index], value])));
}

/** The FHIR vital-signs profile's required elements (R4), checked on one Observation: the problems found. */
function vitalSignsProblems(observation: Json): string[] {
  const problems: string[] = [];
  const coded = (concept: unknown, system: string): Array<{ system?: string; code?: string }> =>
    ((concept as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding ?? []).filter((coding) => coding.system === system && typeof coding.code === 'string');
  const quantityProblems = (quantity: unknown, where: string): string[] => {
    const q = quantity as { value?: unknown; unit?: unknown; system?: unknown; code?: unknown } | undefined;
    if (!q) return [`${where}: no valueQuantity`];
    return [
      ...(typeof q.value === 'number' ? [] : [`${where}: value is not a number`]),
      ...(typeof q.unit === 'string' && q.unit !== '' ? [] : [`${where}: no unit`]),
      ...(q.system === 'http://unitsofmeasure.org' ? [] : [`${where}: system is not UCUM`]),
      ...(typeof q.code === 'string' && q.code !== '' ? [] : [`${where}: no UCUM code`]),
    ];
  };
  if (!['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'].includes(observation.status as string)) problems.push('status');
  const categories = (observation.category as unknown[] | undefined) ?? [];
  if (!categories.some((category) => coded(category, 'http://terminology.hl7.org/CodeSystem/observation-category').some((c) => c.code === 'vital-signs'))) problems.push('category vital-signs');
  const codes = coded(observation.code, 'http://loinc.org');
  if (codes.length === 0) problems.push('code: no LOINC coding');
  const reference = (observation.subject as { reference?: unknown } | undefined)?.reference;
  if (typeof reference !== 'string' || reference === '') problems.push('subject reference');
  if (typeof observation.effectiveDateTime !== 'string' && observation.effectivePeriod === undefined) problems.push('effective[x]');
  const components = observation.component as Json[] | undefined;
  if (components !== undefined) {
    for (const [index, component] of components.entries()) {
      if (coded(component.code, 'http://loinc.org').length === 0) problems.push(`component ${index}: no LOINC code`);
      problems.push(...quantityProblems(component.valueQuantity, `component ${index}`));
    }
  } else if (observation.dataAbsentReason === undefined) {
    problems.push(...quantityProblems(observation.valueQuantity, 'value'));
  }
  return problems;
}

describe.each(['all-in-one', 'split'] as const)('analytics exports: SDTM and FHIR (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let manager: Client;
  let managerName: string;
  let managerOfS01: Client;
  let managerOfS01Name: string;
  let today: string;
  let visitOrder: Record<string, number>;

  const study = newSubjectId('SDTM');
  const large = newSubjectId('BIG');
  const largeDataset = randomUUID();
  const usubjid = (subject: string) => `${study}-${subject}`;
  const at = (day: string, time = '09:00') => ({ VisitDate: `2026-${day}`, MeasurementTime: `2026-${day}T${time}:00Z` });
  const vitals = [
    vitalRecord({ SubjectID: 'S01-001', SiteID: 'S01', VisitName: 'Screening', SystolicBP: 120, DiastolicBP: 80, HeartRate: 70, Temperature: 36.6, ...at('01-02') }),
    vitalRecord({ SubjectID: 'S01-001', SiteID: 'S01', VisitName: 'Day 1', SystolicBP: 130, DiastolicBP: 85, HeartRate: 72, Temperature: 36.8, ...at('01-08') }),
    vitalRecord({ SubjectID: 'S01-001', SiteID: 'S01', VisitName: 'Week 2', SystolicBP: 125, DiastolicBP: 82, HeartRate: 68, Temperature: 37, ...at('01-22') }),
    // No Day 1: no baseline (as in the statistics), the reference date the enrolment date.
    vitalRecord({ SubjectID: 'S01-002', SiteID: 'S01', TreatmentArm: 'Placebo', VisitName: 'Screening', SystolicBP: 140, VisitDate: '2026-01-03' }),
    vitalRecord({ SubjectID: 'S01-002', SiteID: 'S01', TreatmentArm: 'Placebo', VisitName: 'Week 2', SystolicBP: 138, ...at('01-24') }),
    // Day 1 twice: the earlier one is the baseline (as in the statistics).
    vitalRecord({ SubjectID: 'S02-001', SiteID: 'S02', VisitName: 'Day 1', SystolicBP: 150, ...at('01-10', '09:00') }),
    vitalRecord({ SubjectID: 'S02-001', SiteID: 'S02', VisitName: 'Day 1', SystolicBP: 148, ...at('01-10', '11:00') }),
  ].map((record) => ({ ...record, ProtocolID: study }));

  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await platform.database!.admin(sql, params)).rows as T[];
  /** Set-up the API has no route for, with the reason for change the EDC's trigger asks of every UPDATE of a subject. */
  const updateSubjects = (assignments: string, protocolId: string, params: unknown[] = []) =>
    db(
      `WITH reason AS (SELECT set_config('ctp.change_reason', 'test set-up', true) AS given)
       UPDATE patients SET ${assignments} FROM reason WHERE protocol_id = $1 AND reason.given IS NOT NULL`,
      [protocolId, ...params],
    );
  const sdtm = (client: Client, body: Json) => client.post('/analytics/sdtm/export').send(body);
  const sdtmCsv = async (client: Client, body: Json): Promise<Row[]> => {
    const response = await sdtm(client, body).buffer(true);
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status: 200, type: 'text/csv; charset=utf-8' });
    return csvRows(response.text);
  };
  const lastExportEvent = async (entityType: string, username: string) =>
    (
      await db<{ username: string; role: string; entity_id: string; changes: Json }>(
        `SELECT username, role, entity_id, changes FROM audit_events WHERE action = 'export' AND entity_type = $1 AND username = $2 ORDER BY seq DESC LIMIT 1`,
        [entityType, username],
      )
    )[0];

  beforeAll(async () => {
    platform = await startPlatform(mode);
    managerName = newSubjectId('dm');
    manager = (await createUser(platform.baseUrl, platform.admin, { username: managerName, roles: ['data_manager'] })).client;
    managerOfS01Name = newSubjectId('dm-s01');
    managerOfS01 = (await createUser(platform.baseUrl, platform.admin, { username: managerOfS01Name, roles: ['data_manager'], site_ids: ['S01'] })).client;
    for (const protocolId of [study, large]) {
      const created = await manager.post('/edc/studies').send({
        protocol_id: protocolId,
        title: 'Exported study',
        status: 'enrolling',
        baseline_visit: 'Day 1',
        sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
        arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
        schedule: [
          { visit_name: 'Screening', planned_day: -7, window_before: 7, window_after: 0 },
          { visit_name: 'Day 1', planned_day: 1 },
          { visit_name: 'Week 2', planned_day: 15, window_before: 2, window_after: 2 },
          { visit_name: 'Week 4', planned_day: 29, window_before: 3, window_after: 3 },
        ],
      });
      expect({ status: created.status, message: created.body.message }).toEqual({ status: 201, message: undefined });
    }
    for (const [subject, consent, demographics] of [
      ['S01-001', '2026-01-01', { sex: 'F', age: 64, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO' }],
      ['S01-002', '2026-01-02', { sex: 'M', birth_year: 1980, race: 'ASIAN', ethnicity: 'HISPANIC OR LATINO' }],
    ] as const) {
      const enrolled = await manager.post(`/edc/studies/${study}/subjects`).send({ subject_id: subject, site_id: 'S01', consent_date: consent, demographics, enrol: true });
      expect({ status: enrolled.status, message: enrolled.body.message }).toEqual({ status: 201, message: undefined });
    }
    // Known arms instead of randomization's (the export reads whichever arm the EDC holds).
    await updateSubjects(`treatment_arm = CASE subject_number WHEN 'S01-001' THEN 'Active' ELSE 'Placebo' END`, study);
    const stored = await manager.post('/edc/store-vitals').send({ records: vitals });
    expect({ status: stored.status, message: stored.body.message }).toEqual({ status: 201, message: undefined });
    for (const event of [
      adverseEvent({ onset_date: '2026-01-05', end_date: '2026-01-10' }),
      adverseEvent({ term: 'Syncope', onset_date: '2026-01-20', end_date: null, severity_grade: 3, serious: true, relationship: 'related', outcome: 'recovering', action_taken: 'drug_interrupted' }),
    ]) {
      const recorded = await manager.post('/edc/patients/S01-001/adverse-events').query({ protocolId: study }).send(event);
      expect({ status: recorded.status, message: recorded.body.message }).toEqual({ status: 201, message: undefined });
    }
    [{ today }] = await db<{ today: string }>(`SELECT current_date::text AS today`);
    visitOrder = Object.fromEntries(
      (await db<{ visit_name: string; display_order: number }>(`SELECT visit_name, display_order FROM edc_study_visits WHERE protocol_id = $1`, [study])).map((v) => [v.visit_name, v.display_order]),
    );

    // 250 subjects x 4 visits x 5 measurements = 5,000 records, then marked as stored from a generated dataset.
    const many = Array.from({ length: 5_000 }, (_, index) => {
      const subject = Math.floor(index / 20);
      const visit = ['Screening', 'Day 1', 'Week 2', 'Week 4'][Math.floor(index / 5) % 4];
      return vitalRecord({ SubjectID: `L-${String(subject).padStart(4, '0')}`, SiteID: subject % 2 === 0 ? 'S01' : 'S02', VisitName: visit, ProtocolID: large, ...at(`02-${String((index % 20) + 1).padStart(2, '0')}`), SystolicBP: 100 + (index % 50) });
    });
    const storedMany = await manager.post('/edc/store-vitals').send({ records: many });
    expect({ status: storedMany.status, message: storedMany.body.message }).toEqual({ status: 201, message: undefined });
    await updateSubjects('dataset_id = $2', large, [largeDataset]);
  }, 180_000);
  afterAll(() => platform?.close());

  describe('SDTM VS', () => {
    let rows: Row[];
    beforeAll(async () => {
      rows = await sdtmCsv(manager, { study, domain: 'VS' });
    });

    it('holds one row per test per record, with the known values, units, visit numbers, baseline flag and study days', () => {
      const first = rows.filter((row) => row.USUBJID === usubjid('S01-001'));
      const line = (r: Row) => [r.VSSEQ, r.VSTESTCD, r.VSTEST, r.VSORRES, r.VSORRESU, r.VSSTRESC, r.VSSTRESN, r.VSSTRESU, r.VSBLFL, r.VISITNUM, r.VISIT, r.VISITDY, r.VSDTC, r.VSDY].join('|');
      const visit = (name: string) => String(visitOrder[name]);
      expect(first.map(line)).toEqual([
        `1|SYSBP|Systolic Blood Pressure|120|mmHg|120|120|mmHg||${visit('Screening')}|Screening|-7|2026-01-02T09:00:00Z|-6`,
        `2|DIABP|Diastolic Blood Pressure|80|mmHg|80|80|mmHg||${visit('Screening')}|Screening|-7|2026-01-02T09:00:00Z|-6`,
        `3|PULSE|Pulse Rate|70|beats/min|70|70|beats/min||${visit('Screening')}|Screening|-7|2026-01-02T09:00:00Z|-6`,
        `4|TEMP|Temperature|36.6|C|36.6|36.6|C||${visit('Screening')}|Screening|-7|2026-01-02T09:00:00Z|-6`,
        `5|SYSBP|Systolic Blood Pressure|130|mmHg|130|130|mmHg|Y|${visit('Day 1')}|Day 1|1|2026-01-08T09:00:00Z|1`,
        `6|DIABP|Diastolic Blood Pressure|85|mmHg|85|85|mmHg|Y|${visit('Day 1')}|Day 1|1|2026-01-08T09:00:00Z|1`,
        `7|PULSE|Pulse Rate|72|beats/min|72|72|beats/min|Y|${visit('Day 1')}|Day 1|1|2026-01-08T09:00:00Z|1`,
        `8|TEMP|Temperature|36.8|C|36.8|36.8|C|Y|${visit('Day 1')}|Day 1|1|2026-01-08T09:00:00Z|1`,
        `9|SYSBP|Systolic Blood Pressure|125|mmHg|125|125|mmHg||${visit('Week 2')}|Week 2|15|2026-01-22T09:00:00Z|15`,
        `10|DIABP|Diastolic Blood Pressure|82|mmHg|82|82|mmHg||${visit('Week 2')}|Week 2|15|2026-01-22T09:00:00Z|15`,
        `11|PULSE|Pulse Rate|68|beats/min|68|68|beats/min||${visit('Week 2')}|Week 2|15|2026-01-22T09:00:00Z|15`,
        `12|TEMP|Temperature|37.0|C|37.0|37|C||${visit('Week 2')}|Week 2|15|2026-01-22T09:00:00Z|15`,
      ]);
      expect(visitOrder.Screening).toBeLessThan(visitOrder['Day 1']);
      for (const row of rows) expect(row).toMatchObject({ STUDYID: study, DOMAIN: 'VS' });
    });

    it('flags the statistics\' baseline (the earliest record at the baseline visit, none without one), and counts days from the reference date without a day 0', () => {
      const flagged = rows.filter((row) => row.VSBLFL === 'Y').map((row) => `${row.USUBJID}|${row.VISIT}|${row.VSDTC}|${row.VSTESTCD}`);
      expect(flagged.sort()).toEqual(
        [
          ...['SYSBP', 'DIABP', 'PULSE', 'TEMP'].map((test) => `${usubjid('S01-001')}|Day 1|2026-01-08T09:00:00Z|${test}`),
          ...['SYSBP', 'DIABP', 'PULSE', 'TEMP'].map((test) => `${usubjid('S02-001')}|Day 1|2026-01-10T09:00:00Z|${test}`),
        ].sort(),
      );
      // S01-002 has no Day 1 record: its reference date is its enrolment date (today).
      const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
      const expectedDay = (date: string, reference: string) => (date >= reference ? days(reference, date) + 1 : days(reference, date));
      const second = rows.filter((row) => row.USUBJID === usubjid('S01-002') && row.VSTESTCD === 'SYSBP');
      expect(second.map((row) => [row.VSDTC.slice(0, 10), row.VSDY, row.VSORRES])).toEqual([
        ['2026-01-03', String(expectedDay('2026-01-03', today)), '140'],
        ['2026-01-24', String(expectedDay('2026-01-24', today)), '138'],
      ]);
      expect(rows.some((row) => row.VSDY === '0')).toBe(false);
      const third = rows.filter((row) => row.USUBJID === usubjid('S02-001') && row.VSTESTCD === 'SYSBP');
      expect(third.map((row) => [row.VSSEQ, row.VSORRES, row.VSDY, row.VSBLFL])).toEqual([['1', '150', '1', 'Y'], ['5', '148', '1', '']]);
    });

    it('numbers rows uniquely within each subject, and pages keep their numbers', async () => {
      expect(rows).toHaveLength(vitals.length * 4);
      const keys = rows.map((row) => `${row.USUBJID}/${row.VSSEQ}`);
      expect(new Set(keys).size).toBe(rows.length);
      const page = await sdtmCsv(manager, { study, domain: 'VS', limit: 5, offset: 10 });
      expect(page).toEqual(rows.slice(10, 15));
      expect((await lastExportEvent('sdtm_vs', managerName)).changes).toMatchObject({ rows: { new: 5 }, page: { new: { limit: 5, offset: 10 } } });
      expect(await sdtmCsv(manager, { study, domain: 'VS', offset: rows.length - 3, limit: 10 })).toEqual(rows.slice(-3));
      expect((await lastExportEvent('sdtm_vs', managerName)).changes).toMatchObject({ rows: { new: 3 } });
      expect(await sdtmCsv(manager, { study, domain: 'VS', offset: rows.length })).toEqual([]);
      expect((await lastExportEvent('sdtm_vs', managerName)).changes).toMatchObject({ rows: { new: 0 }, page: { new: { limit: null, offset: rows.length } } });
    });

    it('is the same rows as Dataset-JSON v1.1, numbers as numbers', async () => {
      const response = await sdtm(manager, { study, domain: 'VS', format: 'dataset-json' });
      expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status: 200, type: 'application/json; charset=utf-8' });
      const file = response.body as { columns: Array<{ name: string; dataType: string; itemOID: string; label: string }>; rows: unknown[][] } & Json;
      expect(file).toMatchObject({
        datasetJSONVersion: '1.1.0',
        itemGroupOID: 'IG.VS',
        name: 'VS',
        label: 'Vital Signs',
        studyOID: study,
        records: rows.length,
        sourceSystem: { name: expect.any(String), version: expect.any(String) },
      });
      expect(file.datasetJSONCreationDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      expect(Object.keys(file)).toEqual([
        'datasetJSONCreationDateTime', 'datasetJSONVersion', 'fileOID', 'originator', 'sourceSystem', 'studyOID', 'metaDataVersionOID',
        'itemGroupOID', 'records', 'name', 'label', 'columns', 'rows',
      ]);
      expect(file.columns.map((column) => column.name)).toEqual(Object.keys(rows[0]));
      for (const column of file.columns) expect(column.itemOID).toBe(`IT.VS.${column.name}`);
      expect(file.columns.find((column) => column.name === 'VSSTRESN')?.dataType).toBe('float');
      expect(file.rows).toHaveLength(rows.length);
      const names = file.columns.map((column) => column.name);
      const seq = names.indexOf('VSSEQ');
      const stresn = names.indexOf('VSSTRESN');
      const blfl = names.indexOf('VSBLFL');
      expect(typeof file.rows[0][seq]).toBe('number');
      expect(file.rows.map((row) => row[stresn])).toEqual(rows.map((row) => Number(row.VSSTRESN)));
      expect(file.rows.map((row) => row[blfl] ?? '')).toEqual(rows.map((row) => row.VSBLFL));
      expect(file.rows.map((row) => row.map((value) => (value === null ? '' : String(value))).join('|'))).toEqual(
        rows.map((row) => Object.values(row).join('|')),
      );
    });
  });

  it('exports DM with demographics, reference start dates and arms', async () => {
    const dm = await sdtmCsv(manager, { study, domain: 'DM' });
    const line = (r: Row) => [r.USUBJID, r.SUBJID, r.RFSTDTC, r.SITEID, r.AGE, r.AGEU, r.SEX, r.RACE, r.ETHNIC, r.ARMCD, r.ACTARMCD].join('|');
    expect(dm.map(line)).toEqual([
      `${usubjid('S01-001')}|S01-001|2026-01-08|S01|64|YEARS|F|WHITE|NOT HISPANIC OR LATINO|Active|Active`,
      `${usubjid('S01-002')}|S01-002|${today}|S01|46|YEARS|M|ASIAN|HISPANIC OR LATINO|Placebo|Placebo`,
      `${usubjid('S02-001')}|S02-001|2026-01-10|S02||||||Active|Active`,
    ]);
    expect(Object.keys(dm[0])).toEqual(['STUDYID', 'DOMAIN', 'USUBJID', 'SUBJID', 'RFSTDTC', 'SITEID', 'AGE', 'AGEU', 'SEX', 'RACE', 'ETHNIC', 'ARMCD', 'ARM', 'ACTARMCD', 'ACTARM']);
  });

  it('exports AE in controlled terminology with study days from the reference date', async () => {
    const ae = await sdtmCsv(manager, { study, domain: 'AE' });
    const line = (r: Row) => [r.USUBJID, r.AESEQ, r.AETERM, r.AEBODSYS, r.AETOXGR, r.AESER, r.AEREL, r.AEOUT, r.AEACN, r.AESTDTC, r.AEENDTC, r.AESTDY, r.AEENDY].join('|');
    expect(ae.map(line)).toEqual([
      `${usubjid('S01-001')}|1|Headache|Nervous system disorders|1|N|POSSIBLY RELATED|RECOVERED/RESOLVED|DOSE NOT CHANGED|2026-01-05|2026-01-10|-3|3`,
      `${usubjid('S01-001')}|2|Syncope|Nervous system disorders|3|Y|RELATED|RECOVERING/RESOLVING|DRUG INTERRUPTED|2026-01-20||13|`,
    ]);
  });

  describe('FHIR R4', () => {
    let first: Json;
    let firstHeaders: Record<string, string>;
    beforeAll(async () => {
      const response = await manager.post('/analytics/fhir/export').send({ study, limit: 2 });
      expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status: 200, type: 'application/fhir+json; charset=utf-8' });
      first = JSON.parse(response.text) as Json;
      firstHeaders = response.headers as Record<string, string>;
    });
    const resources = (bundle: Json) => (bundle.entry as Array<{ fullUrl: string; resource: Json }>).map((entry) => entry.resource);

    it('is a collection Bundle of the first page of Patients and their Observations, with a next link', () => {
      expect(first).toMatchObject({ resourceType: 'Bundle', type: 'collection', link: [{ relation: 'next', url: `/analytics/fhir/export?study=${study}&limit=2&offset=2` }] });
      expect(firstHeaders['x-total-count']).toBe('3');
      for (const entry of first.entry as Array<{ fullUrl: string; resource: Json }>) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource.id}`);
      const patients = resources(first).filter((r) => r.resourceType === 'Patient');
      expect(patients.map((p) => [(p.identifier as Array<{ value: string }>)[0].value, p.gender, p.birthDate ?? null])).toEqual([
        ['S01-001', 'female', null],
        ['S01-002', 'male', '1980'],
      ]);
      for (const patient of patients) expect(patient).not.toHaveProperty('name');
      const observations = resources(first).filter((r) => r.resourceType === 'Observation');
      expect(observations).toHaveLength(5 * 3);
      const references = new Set(patients.map((p) => `urn:uuid:${p.id}`));
      for (const observation of observations) expect(references.has((observation.subject as { reference: string }).reference)).toBe(true);
    });

    it('gives the known values in LOINC and UCUM, blood pressure as a panel of systolic and diastolic', () => {
      const patientId = resources(first).find((r) => r.resourceType === 'Patient')!.id as string;
      const ofFirst = resources(first).filter((r) => r.resourceType === 'Observation' && (r.subject as { reference: string }).reference === `urn:uuid:${patientId}`);
      const summary = ofFirst.map((o) => {
        const code = (o.code as { coding: Array<{ code: string }> }).coding[0].code;
        const values = o.component
          ? (o.component as Array<{ code: { coding: Array<{ code: string }> }; valueQuantity: { value: number; code: string } }>).map((c) => `${c.code.coding[0].code}=${c.valueQuantity.value} ${c.valueQuantity.code}`).join(',')
          : `${(o.valueQuantity as { value: number; code: string }).value} ${(o.valueQuantity as { code: string }).code}`;
        return `${o.effectiveDateTime} ${code} ${values}`;
      });
      expect(summary).toEqual([
        '2026-01-02T09:00:00Z 85354-9 8480-6=120 mm[Hg],8462-4=80 mm[Hg]',
        '2026-01-02T09:00:00Z 8867-4 70 /min',
        '2026-01-02T09:00:00Z 8310-5 36.6 Cel',
        '2026-01-08T09:00:00Z 85354-9 8480-6=130 mm[Hg],8462-4=85 mm[Hg]',
        '2026-01-08T09:00:00Z 8867-4 72 /min',
        '2026-01-08T09:00:00Z 8310-5 36.8 Cel',
        '2026-01-22T09:00:00Z 85354-9 8480-6=125 mm[Hg],8462-4=82 mm[Hg]',
        '2026-01-22T09:00:00Z 8867-4 68 /min',
        '2026-01-22T09:00:00Z 8310-5 37 Cel',
      ]);
    });

    it('has every element the vital-signs profile requires on every Observation, on every page', async () => {
      const next = ((first.link as Array<{ url: string }>)[0]).url;
      const second = await manager.get(next);
      expect(second.status).toBe(200);
      const page = JSON.parse(second.text) as Json;
      expect(page).not.toHaveProperty('link');
      const patients = resources(page).filter((r) => r.resourceType === 'Patient');
      expect(patients.map((p) => (p.identifier as Array<{ value: string }>)[0].value)).toEqual(['S02-001']);
      const observations = [...resources(first), ...resources(page)].filter((r) => r.resourceType === 'Observation');
      expect(observations).toHaveLength(vitals.length * 3);
      expect(new Set(observations.map((o) => o.id)).size).toBe(observations.length);
      for (const observation of observations) expect({ id: observation.id, problems: vitalSignsProblems(observation) }).toEqual({ id: observation.id, problems: [] });
      // The checker finds what is missing.
      const broken = { ...observations[0], status: undefined, category: [], component: [{ code: { coding: [] }, valueQuantity: { value: '1', unit: 'mmHg', system: 'x', code: 'mm[Hg]' } }] };
      expect(vitalSignsProblems(broken)).toEqual(['status', 'category vital-signs', 'component 0: no LOINC code', 'component 0: value is not a number', 'component 0: system is not UCUM']);
    });

    it('is audited with the user, scope, format and count', async () => {
      const events = await db<{ role: string; changes: Json }>(
        `SELECT role, changes FROM audit_events WHERE action = 'export' AND entity_type = 'fhir_bundle' AND username = $1 AND entity_id = $2 ORDER BY seq`,
        [managerName, study],
      );
      // Both pages: 2 Patients with 5 records of 3 Observations, then 1 Patient with 2 records.
      const scope = { new: { study, sites: 'all', dataset_id: null, site_limited: false } };
      expect(events).toMatchObject([
        { role: 'data_manager', changes: { format: { new: 'fhir-r4-json' }, rows: { new: 2 + 5 * 3 }, page: { new: { limit: 2, offset: 0, subjects: 2, subjects_total: 3 } }, scope } },
        { role: 'data_manager', changes: { format: { new: 'fhir-r4-json' }, rows: { new: 1 + 2 * 3 }, page: { new: { limit: 2, offset: 2, subjects: 1, subjects_total: 3 } }, scope } },
      ]);
      expect(events[0].changes).not.toHaveProperty('site_ids');
    });
  });

  describe('a site-limited user', () => {
    it('exports only their sites, says so, and the audit event records who, the sites and the rows', async () => {
      const response = await sdtm(managerOfS01, { study, domain: 'VS' }).buffer(true);
      expect(response.status).toBe(200);
      const rows = csvRows(response.text);
      expect(new Set(rows.map((row) => row.USUBJID))).toEqual(new Set([usubjid('S01-001'), usubjid('S01-002')]));
      expect(rows).toHaveLength(5 * 4);
      expect(response.headers['x-scope-note']).toMatch(/S01/);
      const event = await lastExportEvent('sdtm_vs', managerOfS01Name);
      expect(event).toMatchObject({
        username: managerOfS01Name,
        entity_id: study,
        changes: { rows: { new: 20 }, site_ids: { new: ['S01'] }, format: { new: 'csv' }, scope: { new: { study, sites: ['S01'], dataset_id: null, site_limited: true } } },
      });
      const json = await sdtm(managerOfS01, { study, domain: 'DM', format: 'dataset-json' });
      expect(json.body.label).toBe('Demographics [sites S01 only]');
      expect(json.body.records).toBe(2);
      const bundle = await managerOfS01.post('/analytics/fhir/export').send({ study });
      const parsed = JSON.parse(bundle.text) as { meta: { tag: Array<{ code: string }> }; entry: unknown[] };
      expect(parsed.meta.tag.map((tag) => tag.code)).toEqual(['site-limited']);
      expect(bundle.headers['x-total-count']).toBe('2');
    });

    it('is refused another site as if it did not exist', async () => {
      expect((await sdtm(managerOfS01, { study, domain: 'VS', site: 'S02' })).status).toBe(404);
    });
  });

  describe('refused requests', () => {
    it.each([
      ['no domain', { study }],
      ['an unknown domain', { study, domain: 'LB' }],
      ['an unknown format', { study, domain: 'VS', format: 'xpt' }],
      ['an unknown field', { study, domain: 'VS', columns: ['VSSEQ'] }],
      ['a zero limit', { study, domain: 'VS', limit: 0 }],
      ['a negative offset', { study, domain: 'VS', offset: -1 }],
      ['a dataset id that is not a UUID', { study, domain: 'VS', dataset_id: 'x' }],
    ])('SDTM: 400 for %s', async (_case, body) => {
      const response = await sdtm(manager, body);
      expect({ status: response.status, message: typeof response.body.message }).toEqual({ status: 400, message: 'string' });
    });

    it.each([
      ['1e20', '1e20'],
      ['2**63', '9223372036854775808'],
      ['1e300', '1e300'],
      ['10,000,001', '10000001'],
    ])('SDTM: 400, not 500, for a limit of %s, saying the largest allowed', async (_case, limit) => {
      const response = await manager.post('/analytics/sdtm/export').set('content-type', 'application/json').send(`{"study":"${study}","domain":"DM","limit":${limit}}`);
      expect({ status: response.status, message: response.body.message }).toEqual({
        status: 400,
        message: 'Validation failed: limit: must be a whole number of rows from 1 to 10000000 (leave it out for every row)',
      });
    });

    it.each([
      ['a limit above 1000', { study, limit: 1001 }],
      ['an unknown field', { study, format: 'xml' }],
      ['a limit of true', { study, limit: true }],
      ['a limit given as the text "1e3"', { study, limit: '1e3' }],
      ['a limit given as the text "10"', { study, limit: '10' }],
      ['an offset of false', { study, offset: false }],
    ])('FHIR: 400 for %s', async (_case, body) => {
      expect((await manager.post('/analytics/fhir/export').send(body)).status).toBe(400);
    });

    it.each(['0x10', '1e3', '+5', '1.0', ' 5', 'true'])('FHIR GET: 400 for ?limit=%s (only digits are a number in a query string)', async (limit) => {
      const response = await manager.get('/analytics/fhir/export').query({ study, limit });
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: 'Validation failed: limit: must be a whole number of subjects from 1 to 1000' });
    });

    it('FHIR GET: digits are a number', async () => {
      const response = await manager.get('/analytics/fhir/export').query({ study, limit: '1', offset: '2' });
      expect(response.status).toBe(200);
      expect((JSON.parse(response.text) as { entry: Array<{ resource: { resourceType: string } }> }).entry.filter((e) => e.resource.resourceType === 'Patient')).toHaveLength(1);
    });

    it('answers 404 for an unknown study, and audits nothing', async () => {
      const before = (await db<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'export' AND entity_id = 'NO-SUCH-STUDY'`))[0].n;
      const response = await sdtm(manager, { study: 'NO-SUCH-STUDY', domain: 'VS' });
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 404, message: 'No study NO-SUCH-STUDY' });
      expect((await manager.post('/analytics/fhir/export').send({ study: 'NO-SUCH-STUDY' })).status).toBe(404);
      expect((await db<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'export' AND entity_id = 'NO-SUCH-STUDY'`))[0].n).toBe(before);
    });
  });

  describe('a study without a schedule of its own', () => {
    it('is exported with the default study\'s schedule and baseline visit, which the statistics also use', async () => {
      const borrower = newSubjectId('NOSCHED');
      const created = await manager.post('/edc/studies').send({
        protocol_id: borrower,
        title: 'Without a schedule',
        status: 'enrolling',
        allow_new_sites: true,
        allow_unscheduled_visits: true,
        allow_unlisted_arms: true,
      });
      expect({ status: created.status, message: created.body.message }).toEqual({ status: 201, message: undefined });
      expect(await db(`SELECT 1 FROM edc_study_visits WHERE protocol_id = $1`, [borrower])).toEqual([]);
      const [{ baseline_visit: baselineVisit }] = await db<{ baseline_visit: string }>(`SELECT baseline_visit FROM edc_studies WHERE protocol_id = 'DEFAULT'`);
      const schedule = await db<{ visit_name: string; display_order: number; planned_day: number | null }>(
        `SELECT visit_name, display_order, planned_day FROM edc_study_visits WHERE protocol_id = 'DEFAULT' ORDER BY display_order`,
      );
      const baseline = schedule.find((visit) => visit.visit_name === baselineVisit)!;
      const later = schedule.find((visit) => visit.display_order > baseline.display_order)!;
      const records = [
        vitalRecord({ SubjectID: 'N-001', SiteID: 'S01', VisitName: baseline.visit_name, SystolicBP: 131, ...at('03-02', '10:00') }),
        vitalRecord({ SubjectID: 'N-001', SiteID: 'S01', VisitName: baseline.visit_name, SystolicBP: 133, ...at('03-02', '08:00') }),
        vitalRecord({ SubjectID: 'N-001', SiteID: 'S01', VisitName: later.visit_name, SystolicBP: 128, ...at('03-30') }),
      ].map((record) => ({ ...record, ProtocolID: borrower }));
      const stored = await manager.post('/edc/store-vitals').send({ records });
      expect({ status: stored.status, message: stored.body.message }).toEqual({ status: 201, message: undefined });
      const rows = await sdtmCsv(manager, { study: borrower, domain: 'VS' });
      const line = (r: Row) => [r.VSORRES, r.VSBLFL, r.VISITNUM, r.VISIT, r.VISITDY, r.VSDTC, r.VSDY].join('|');
      const day = (visit: { planned_day: number | null }) => (visit.planned_day === null ? '' : String(visit.planned_day));
      expect(rows.filter((row) => row.VSTESTCD === 'SYSBP').map(line)).toEqual([
        `133|Y|${baseline.display_order}|${baseline.visit_name}|${day(baseline)}|2026-03-02T08:00:00Z|1`,
        `131||${baseline.display_order}|${baseline.visit_name}|${day(baseline)}|2026-03-02T10:00:00Z|1`,
        `128||${later.display_order}|${later.visit_name}|${day(later)}|2026-03-30T09:00:00Z|29`,
      ]);
      expect(rows.filter((row) => row.VSBLFL === 'Y').map((row) => row.VSTESTCD)).toEqual(['SYSBP', 'DIABP', 'PULSE', 'TEMP']);
      const dm = await sdtmCsv(manager, { study: borrower, domain: 'DM' });
      expect(dm.map((row) => row.RFSTDTC)).toEqual(['2026-03-02']);
    });
  });

  describe('a large synthetic study', () => {
    it('streams all 20,000 VS rows of 5,000 records, marked synthetic', async () => {
      const response = await sdtm(manager, { study: large, domain: 'VS', dataset_id: largeDataset }).buffer(true);
      expect(response.status).toBe(200);
      expect(response.headers['x-synthetic-data']).toBe('true');
      const rows = csvRows(response.text);
      expect(rows).toHaveLength(20_000);
      expect(new Set(rows.map((row) => `${row.USUBJID}/${row.VSSEQ}`)).size).toBe(20_000);
      expect(rows.filter((row) => row.VSBLFL === 'Y')).toHaveLength(250 * 4);
      const [{ n }] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM edc_vitals WHERE protocol_id = $1`, [large]);
      expect(n).toBe(5_000);
    });

    it('gives its snapshot back when the client goes away mid-stream, and serves the next export', async () => {
      const { accessToken } = await login(platform.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
      const body = JSON.stringify({ study: large, domain: 'VS', format: 'dataset-json' });
      const firstPiece = await new Promise<string>((resolve, reject) => {
        const call = httpRequest(
          `${platform.baseUrl}/analytics/sdtm/export`,
          { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (response) => {
            response.once('data', (chunk: Buffer) => {
              response.destroy();
              call.destroy();
              resolve(chunk.toString('utf8'));
            });
          },
        );
        call.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
        call.end(body);
      });
      expect(firstPiece.startsWith('{"datasetJSONCreationDateTime"')).toBe(true);
      const openSnapshots = async () =>
        (await db<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND backend_xid IS NULL AND backend_xmin IS NOT NULL`))[0].n;
      const deadline = Date.now() + 10_000;
      while ((await openSnapshots()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await openSnapshots()).toBe(0);
      expect((await sdtmCsv(manager, { study: large, domain: 'DM', limit: 3 })).map((row) => row.SUBJID)).toEqual(['L-0000', 'L-0001', 'L-0002']);
    });

    it('says so in Dataset-JSON and in the FHIR Bundle too; a captured study says it is not synthetic', async () => {
      const json = await sdtm(manager, { study: large, domain: 'DM', format: 'dataset-json' });
      expect(json.body).toMatchObject({ records: 250, label: 'Demographics [SYNTHETIC DATA: generated, not captured from patients]' });
      expect(json.body.rows).toHaveLength(250);
      const bundle = await manager.post('/analytics/fhir/export').send({ study: large, dataset_id: largeDataset, limit: 1000 });
      const parsed = JSON.parse(bundle.text) as { meta: { tag: Array<{ code: string }> }; entry: unknown[]; link?: unknown };
      expect(parsed.meta.tag.map((tag) => tag.code)).toEqual(['synthetic']);
      expect(parsed.entry).toHaveLength(250 + 5_000 * 3);
      expect(parsed.link).toBeUndefined();
      expect(bundle.headers['x-synthetic-data']).toBe('true');
      expect((await sdtm(manager, { study, domain: 'DM' })).headers['x-synthetic-data']).toBe('false');
    });
  });
});
