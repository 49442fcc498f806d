import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord, type VitalRecordBody } from '../support/vitals-fixtures.js';

/**
 * Every limit of the README's "Vitals capture rules", tried at the limit (stored) and just outside
 * it (refused with 400 naming the record's field, never a 500 from the database's own checks).
 */

interface ErrorBody {
  statusCode: number;
  details?: Array<{ field: string; problems: string[] }>;
}

interface StoredVital {
  systolic_bp: number;
  diastolic_bp: number;
  heart_rate: number;
  temperature: number;
  respiratory_rate: number | null;
  visit_name: string;
  visit_date: string | null;
  measurement_time: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const utcDate = (offsetDays: number): string => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
const code = (length: number): string => `C${'x'.repeat(length - 1)}`;

describe('vitals capture limits (all-in-one)', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** Stores one record of a new subject and returns what a read gives back. */
  async function accepted(overrides: Partial<VitalRecordBody>): Promise<StoredVital & { protocol_id: string; site_id: string | null; treatment_arm: string }> {
    const record = vitalRecord({ SubjectID: newSubjectId('L'), ...overrides });
    const stored = await platform.admin.post('/edc/store-vitals').send({ records: [record] });
    expect({ sent: overrides, status: stored.status, body: stored.body }).toMatchObject({ sent: overrides, status: 201, body: { records_stored: 1 } });
    const read = await platform.admin.get(`/edc/patients/${record.SubjectID}/vitals`).query(record.ProtocolID ? { protocolId: record.ProtocolID } : {});
    expect(read.status).toBe(200);
    expect(read.body.vitals).toHaveLength(1);
    return { ...read.body.vitals[0], protocol_id: read.body.protocol_id, site_id: read.body.site_id, treatment_arm: read.body.treatment_arm };
  }

  /** Sends one record and expects 400 naming exactly `field` of records[0]. */
  async function refused(overrides: Partial<VitalRecordBody>, field: string): Promise<void> {
    const record = vitalRecord({ SubjectID: newSubjectId('L'), ...overrides });
    const response = await platform.admin.post('/edc/store-vitals').send({ records: [record] });
    const body = response.body as ErrorBody;
    expect({ sent: overrides, status: response.status, fields: body.details?.map((detail) => detail.field) }).toEqual({
      sent: overrides,
      status: 400,
      fields: [`records[0].${field}`],
    });
  }

  describe.each([
    // field, lowest, highest, a value of the other fields that lets the limit be reached
    { field: 'SystolicBP', column: 'systolic_bp', min: 50, max: 300, partner: { DiastolicBP: 40 } },
    { field: 'DiastolicBP', column: 'diastolic_bp', min: 20, max: 200, partner: { SystolicBP: 250 } },
    { field: 'HeartRate', column: 'heart_rate', min: 20, max: 250, partner: {} },
    { field: 'RespiratoryRate', column: 'respiratory_rate', min: 4, max: 60, partner: {} },
  ] as const)('$field: integers $min to $max', ({ field, column, min, max, partner }) => {
    it(`stores ${min} and ${max}`, async () => {
      for (const value of [min, max]) {
        expect((await accepted({ ...partner, [field]: value }))[column]).toBe(value);
      }
    });

    it(`refuses ${min - 1}, ${max + 1} and a fraction with 400 naming ${field}`, async () => {
      for (const value of [min - 1, max + 1, min + 0.5]) await refused({ ...partner, [field]: value }, field);
    });
  });

  describe('Temperature: 30 to 45 °C with at most one decimal', () => {
    it('stores 30, 30.1, 44.9 and 45 exactly as sent', async () => {
      for (const value of [30, 30.1, 44.9, 45]) expect((await accepted({ Temperature: value })).temperature).toBe(value);
    });

    it('refuses 29.9, 45.1 and two decimals (36.85) with 400 naming Temperature', async () => {
      for (const value of [29.9, 45.1, 36.85]) await refused({ Temperature: value }, 'Temperature');
    });
  });

  it('DiastolicBP must be lower than SystolicBP: one below is stored, equal is refused', async () => {
    expect(await accepted({ SystolicBP: 120, DiastolicBP: 119 })).toMatchObject({ systolic_bp: 120, diastolic_bp: 119 });
    await refused({ SystolicBP: 120, DiastolicBP: 120 }, 'DiastolicBP');
  });

  describe('codes and texts: 1 to 64 characters', () => {
    it('stores a SubjectID, SiteID and ProtocolID of 64 characters', async () => {
      const subject = code(64);
      const stored = await accepted({ SubjectID: subject, SiteID: code(64), ProtocolID: code(64) });
      expect(stored).toMatchObject({ protocol_id: code(64), site_id: code(64) });
    });

    it('refuses codes of 65 characters and empty ones with 400 naming the field', async () => {
      for (const field of ['SubjectID', 'SiteID', 'ProtocolID']) {
        await refused({ [field]: code(65) }, field);
        await refused({ [field]: '' }, field);
      }
    });

    it('stores a VisitName and TreatmentArm of 64 characters, counted as characters, not bytes', async () => {
      const stored = await accepted({ VisitName: 'V'.repeat(64), TreatmentArm: 'é'.repeat(64) });
      expect(stored).toMatchObject({ visit_name: 'V'.repeat(64), treatment_arm: 'é'.repeat(64) });
    });

    it('refuses a VisitName or TreatmentArm of 65 characters, empty or blank with 400 naming the field', async () => {
      for (const field of ['VisitName', 'TreatmentArm']) {
        await refused({ [field]: 'V'.repeat(65) }, field);
        await refused({ [field]: '' }, field);
        await refused({ [field]: '   ' }, field);
      }
    });

    it('counts characters as the database does: emoji with a variation selector are two', async () => {
      const stored = await accepted({ VisitName: '\u2764'.repeat(64) });
      expect(stored.visit_name).toBe('\u2764'.repeat(64));
      // 33 hearts with U+FE0F are 66 characters for the varchar(64) column: a 400, never the database's 500.
      await refused({ VisitName: '\u2764\uFE0F'.repeat(33) }, 'VisitName');
      await refused({ TreatmentArm: '\u2764\uFE0F'.repeat(33) }, 'TreatmentArm');
    });
  });

  describe('dates: not in the future', () => {
    it('stores a VisitDate of tomorrow (UTC; sites ahead of UTC are already there) and a MeasurementTime of a minute ago', async () => {
      expect((await accepted({ VisitDate: utcDate(1) })).visit_date).toBe(utcDate(1));
      const minuteAgo = new Date(Date.now() - 60_000).toISOString();
      expect((await accepted({ MeasurementTime: minuteAgo })).measurement_time).toBe(minuteAgo);
    });

    it('refuses a VisitDate two days ahead, a date that does not exist, and a MeasurementTime an hour ahead', async () => {
      await refused({ VisitDate: utcDate(2) }, 'VisitDate');
      await refused({ VisitDate: '2025-02-29' }, 'VisitDate');
      await refused({ MeasurementTime: new Date(Date.now() + 60 * 60_000).toISOString() }, 'MeasurementTime');
      await refused({ MeasurementTime: '2026-03-01T09:30:00' }, 'MeasurementTime');
    });
  });

  describe('a request holds 1 to 10,000 records', () => {
    const batch = (size: number) => {
      const subject = newSubjectId('B');
      return Array.from({ length: size }, (_, index) => vitalRecord({ SubjectID: subject, VisitName: `Visit ${index}` }));
    };

    it('stores 10,000 records in one request', async () => {
      const response = await platform.admin.post('/edc/store-vitals').send({ records: batch(10_000) });
      expect({ status: response.status, stored: response.body.records_stored }).toEqual({ status: 201, stored: 10_000 });
    });

    it('refuses 10,001 records and an empty list with 400 naming records, storing nothing', async () => {
      const before = (await platform.database!.admin('SELECT count(*)::int AS n FROM vital_signs')).rows[0].n as number;
      for (const records of [batch(10_001), []]) {
        const response = await platform.admin.post('/edc/store-vitals').send({ records });
        expect({ status: response.status, fields: (response.body as ErrorBody).details?.map((detail) => detail.field) }).toEqual({
          status: 400,
          fields: ['records'],
        });
      }
      expect((await platform.database!.admin('SELECT count(*)::int AS n FROM vital_signs')).rows[0].n).toBe(before);
    });
  });
});
