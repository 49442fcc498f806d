import 'reflect-metadata';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asUser, createUser, login, TEST_ADMIN_PASSWORD, type Client } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId } from '../support/vitals-fixtures.js';
import { waitUntil } from '../support/wait.js';
import { ROUTE_DEADLINE_MS } from '../../libs/platform/src/index.js';
import { VitalsImportController } from '../../apps/edc-service/src/vitals/import/vitals-import.controller.js';

/**
 * CSV import of the capture table (`POST /edc/studies/:protocolId/vitals/import`): streamed,
 * validated per line with line numbers, all lines or none unless valid_only, site-scoped, and a
 * 100,000-line file streamed in one request.
 */

const HEADER = 'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,RespiratoryRate,SiteID,VisitDate,MeasurementTime';
const IMPORT = '/edc/studies/DEFAULT/vitals/import';

interface LineValues {
  subject: string;
  visit?: string;
  arm?: string;
  systolic?: number | string;
  diastolic?: number | string;
  site?: string;
}

const line = ({ subject, visit = 'Screening', arm = 'Active', systolic = 125, diastolic = 80, site = 'S01' }: LineValues): string =>
  `${subject},${visit},${arm},${systolic},${diastolic},72,36.8,16,${site},2026-03-01,`;

const csv = (...lines: string[]): string => [HEADER, ...lines].join('\n');

/** Sends a body streamed as it is generated (chunked, no Content-Length), as a large upload arrives. */
async function streamCsv(baseUrl: string, token: string, path: string, chunks: AsyncIterable<string> | Iterable<string>, headers: Record<string, string> = {}) {
  const response = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const request = httpRequest(new URL(path, baseUrl), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...headers } }, (answer) => {
      let text = '';
      answer.setEncoding('utf8');
      answer.on('data', (part: string) => (text += part));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      answer.on('error', reject);
    });
    request.on('error', reject);
    pipeline(Readable.from(chunks), request).catch(() => undefined); // an early answer (413) ends the upload
  });
  return response;
}

interface SlowUpload {
  /** The answer, or status 0 when the connection was closed first. */
  answer: Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }>;
  send(text: string): void;
  close(): void;
}

/** An upload that sends `first` and then waits, its socket open, until told to send more or close. */
function slowUpload(baseUrl: string, token: string, first: string, path = IMPORT): SlowUpload {
  const request: ClientRequest = httpRequest(new URL(path, baseUrl), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } });
  const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }>((resolve) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      response.on('error', () => resolve({ status: 0, headers: {}, body: {} }));
    });
    request.on('error', () => resolve({ status: 0, headers: {}, body: {} }));
  });
  request.write(first);
  return { answer, send: (text) => request.write(text), close: () => request.destroy() };
}

describe.each(['all-in-one', 'split'] as const)('vitals CSV import (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let adminToken: string;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    adminToken = (await login(platform.baseUrl, 'admin', TEST_ADMIN_PASSWORD)).accessToken;
  });
  afterAll(() => platform?.close());

  const post = (client: Client, body: string, path = IMPORT) => client.post(path).set('Content-Type', 'text/csv').send(body);
  const storedCount = async (subjects: string[]): Promise<number> => {
    const result = await platform.database!.admin(
      `SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = ANY ($1) AND v.entered_in_error_at IS NULL`,
      [subjects],
    );
    return result.rows[0].n as number;
  };

  it('stores every line of a valid file, answering like store-vitals plus the line counts', async () => {
    const [a, b] = [newSubjectId('CSV'), newSubjectId('CSV')];
    const body = csv(line({ subject: a }), line({ subject: a, visit: 'Day 1' }), line({ subject: b, arm: 'Placebo', systolic: 131, diastolic: 84 }));
    const response = await post(platform.admin, body).expect(201);
    expect(response.body).toEqual({
      records_stored: 3,
      records_received: 3,
      records_already_stored: 0,
      patients_created: 2,
      // The default study's subject id format (VS009, soft) questions each test subject number.
      queries_opened: 3,
      batch_id: expect.any(String),
      lines_received: 3,
      lines_refused: 0,
      errors: [],
    });
    const read = await platform.admin.get(`/edc/patients/${b}/vitals`).expect(200);
    expect(read.body).toMatchObject({ treatment_arm: 'Placebo', site_id: 'S01', vitals: [{ visit_name: 'Screening', systolic_bp: 131, diastolic_bp: 84, data_batch: response.body.batch_id }] });

    // The same file again: a retry, stored once.
    const again = await post(platform.admin, body).expect(201);
    expect(again.body).toMatchObject({ records_stored: 0, records_already_stored: 3, patients_created: 0, lines_refused: 0 });
    expect(await storedCount([a, b])).toBe(3);

    // Audited like store-vitals: the record's creation with the admin as actor.
    const vitalId = read.body.vitals[0].id as string;
    const audit = await platform.admin.get('/security/audit/events').query({ entityType: 'vital_sign', entityId: vitalId }).expect(200);
    expect(audit.body.data).toEqual([expect.objectContaining({ action: 'create', username: 'admin', subject: b })]);
  });

  it('takes optional columns in any order, or not at all', async () => {
    const subject = newSubjectId('CSV');
    const body = `Temperature,HeartRate,DiastolicBP,SystolicBP,TreatmentArm,VisitName,SubjectID\r\n36.9,70,79,121,Active,Screening,${subject}\r\n`;
    await post(platform.admin, body).expect(201);
    const read = await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(read.body.vitals).toEqual([expect.objectContaining({ systolic_bp: 121, diastolic_bp: 79, heart_rate: 70, temperature: 36.9, respiratory_rate: null })]);
  });

  it('refuses a file with bad lines, naming each by its line number, and stores nothing', async () => {
    const [good, bad] = [newSubjectId('CSV'), newSubjectId('CSV')];
    const body = csv(
      line({ subject: good }),
      line({ subject: bad, systolic: 301 }),
      line({ subject: good, visit: 'Day 1' }),
      line({ subject: bad, visit: 'Day 1', systolic: 'abc' }),
      `${bad},Week 4,Active,120,80`,
      line({ subject: good, visit: 'Week 4', systolic: 120, diastolic: 120 }),
    );
    const response = await post(platform.admin, body).expect(400);
    expect(response.body.details).toEqual([
      { field: 'line 3', problems: ['SystolicBP must not be greater than 300'] },
      { field: 'line 5', problems: ['SystolicBP must be an integer number'] },
      { field: 'line 6', problems: ['has 5 fields; the header has 11'] },
      { field: 'line 7', problems: ['DiastolicBP must be lower than SystolicBP'] },
    ]);
    expect(response.body.message).toContain('4 of 6 lines refused; nothing was stored (first: line 3: SystolicBP must not be greater than 300)');
    expect(await storedCount([good, bad])).toBe(0);
    await platform.admin.get(`/edc/patients/${good}`).expect(404);
  });

  it('with valid_only=true stores the valid lines and reports the refused ones', async () => {
    const [good, other] = [newSubjectId('CSV'), newSubjectId('CSV')];
    const body = csv(
      line({ subject: good }),
      line({ subject: good, visit: 'Day 1', systolic: 301 }),
      line({ subject: other, arm: 'Placebo' }),
      line({ subject: other, visit: 'Day 1', arm: 'Active' }),
    );
    const response = await post(platform.admin, body, `${IMPORT}?valid_only=true`).expect(201);
    expect(response.body).toMatchObject({
      records_stored: 2,
      records_received: 2,
      lines_received: 4,
      lines_refused: 2,
      errors: ['line 3: SystolicBP must not be greater than 300', 'line 5: TreatmentArm differs from line 4 for the same subject ("Placebo")'],
    });
    expect(await storedCount([good, other])).toBe(2);
  });

  it('refuses lines that contradict what is stored: another arm, or other values for a stored measurement', async () => {
    const [first, second] = [newSubjectId('CSV'), newSubjectId('CSV')];
    await post(platform.admin, csv(line({ subject: first }), line({ subject: second }))).expect(201);
    const response = await post(platform.admin, csv(line({ subject: first, systolic: 140 }), line({ subject: second, visit: 'Day 1', arm: 'Placebo' }), line({ subject: first, visit: 'Week 4' }))).expect(400);
    expect(response.body.details).toEqual([
      { field: 'line 2', problems: [expect.stringContaining('already stored with different values')] },
      { field: 'line 3', problems: [`TreatmentArm subject ${second} is in arm "Active"`] },
    ]);
    expect(await storedCount([first, second])).toBe(2);
  });

  it.each([
    ['an unknown column', `${HEADER},Weight`, /unknown column\(s\) "Weight"/],
    ['a missing required column', HEADER.replace('HeartRate,', ''), /missing required column\(s\) HeartRate/],
    ['a column named twice', `${HEADER},SiteID`, /named twice: SiteID/],
  ])('refuses a header with %s (400), storing nothing', async (_case, header, message) => {
    const subject = newSubjectId('CSV');
    const response = await post(platform.admin, `${header}\n${line({ subject })}`).expect(400);
    expect(response.body.message).toMatch(message);
    await platform.admin.get(`/edc/patients/${subject}`).expect(404);
  });

  it('refuses a file with broken quoting (400), storing nothing', async () => {
    const subject = newSubjectId('CSV');
    const response = await post(platform.admin, csv(line({ subject }), `"${subject},Day 1,Active,120,80,70,36.8,,S01,,`)).expect(400);
    expect(response.body.message).toMatch(/not valid CSV/);
    await platform.admin.get(`/edc/patients/${subject}`).expect(404);
  });

  it('refuses an empty file, a header alone, another protocol, an unknown study and a body that is not text/csv', async () => {
    expect((await post(platform.admin, '').expect(400)).body.message).toMatch(/empty/);
    expect((await post(platform.admin, HEADER).expect(400)).body.message).toMatch(/no lines/);
    const other = await post(platform.admin, `${HEADER},ProtocolID\n${line({ subject: newSubjectId('CSV') })},OTHER`).expect(400);
    expect(other.body.details).toEqual([{ field: 'line 2', problems: ['ProtocolID must be DEFAULT, the study this file is imported into'] }]);
    await post(platform.admin, csv(line({ subject: newSubjectId('CSV') })), '/edc/studies/NO-SUCH-STUDY/vitals/import').expect(404);
    await platform.admin.post(IMPORT).send({ records: [] }).expect(415);
  });

  it('refuses a file declared larger than the limit with 413 before reading it', async () => {
    const response = await streamCsv(platform.baseUrl, adminToken, IMPORT, [csv(line({ subject: newSubjectId('CSV') }))], { 'content-length': String(33 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body.message).toMatch(/larger than 32 MB/);
  });

  it('takes a charset of utf-8 only (415 for any other), refusing nothing else for it', async () => {
    const subject = newSubjectId('CSV');
    const latin = await platform.admin.post(IMPORT).set('Content-Type', 'text/csv; charset=iso-8859-1').send(csv(line({ subject }))).expect(415);
    expect(latin.body.message).toMatch(/must be UTF-8 \(charset=iso-8859-1 was sent\)/);
    await platform.admin.get(`/edc/patients/${subject}`).expect(404);
    await platform.admin.post(IMPORT).set('Content-Type', 'text/csv; charset=UTF-8').send(csv(line({ subject }))).expect(201);
  });

  it('refuses a line with bytes that are not UTF-8, or with a NUL character, naming the line and column; nothing stored', async () => {
    const [good, latin, nul] = [newSubjectId('CSV'), newSubjectId('CSV'), newSubjectId('CSV')];
    const body = Buffer.concat([
      Buffer.from(`${csv(line({ subject: good }))}\n${latin},Visite `),
      Buffer.from([0xe9]), // é in Latin-1: not UTF-8
      Buffer.from(`,Active,125,80,72,36.8,16,S01,2026-03-01,\n${nul},Screening,Active,125,80,72,36.8,16,S01\u0000,2026-03-01,\n`),
    ]);
    const response = await platform.admin.post(IMPORT).set('Content-Type', 'text/csv').send(body).expect(400);
    expect(response.body.details).toEqual([
      { field: 'line 3', problems: [expect.stringMatching(/^VisitName is not UTF-8 text/)] },
      { field: 'line 4', problems: [expect.stringMatching(/^SiteID contains a NUL character/)] },
    ]);
    expect(await storedCount([good, latin, nul])).toBe(0);
  });

  it('streams only its own route: a CSV body for a path merely ending like it is refused as not JSON (415)', async () => {
    // Split: the EDC service itself, which serves its routes without the /edc prefix.
    const [client, paths] =
      mode === 'split'
        ? [asUser(platform.serviceUrls.edc, adminToken), ['/x/studies/DEFAULT/vitals/import', '/edc/edc/studies/DEFAULT/vitals/import']]
        : [platform.admin, ['/security/studies/DEFAULT/vitals/import', '/edc/x/studies/DEFAULT/vitals/import']];
    for (const path of paths) await client.post(path).set('Content-Type', 'text/csv').send(csv(line({ subject: newSubjectId('CSV') }))).expect(415);
  });

  it('does not store again a re-sent line whose values were entered in error; other values are stored as new', async () => {
    const subject = newSubjectId('CSV');
    const file = csv(line({ subject }), line({ subject, visit: 'Day 1', systolic: 150 }));
    await post(platform.admin, file).expect(201);
    const wrong = (await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals.find((vital: { visit_name: string }) => vital.visit_name === 'Day 1');
    await platform.admin.post(`/edc/vitals/${wrong.id}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }).expect(200);

    const resent = await post(platform.admin, file).expect(201);
    expect(resent.body).toMatchObject({ records_stored: 0, records_already_stored: 2, lines_refused: 0 });
    expect(await storedCount([subject])).toBe(1);

    const corrected = await post(platform.admin, csv(line({ subject }), line({ subject, visit: 'Day 1', systolic: 128 }))).expect(201);
    expect(corrected.body).toMatchObject({ records_stored: 1, records_already_stored: 1 });
    expect(await storedCount([subject])).toBe(2);
  });

  describe('slow uploads', () => {
    const openTransactions = async (): Promise<number> =>
      (await platform.database!.admin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0].n as number;

    it('run at most 2 at once and 1 per user, holding no connection before their first batch; beyond that 503, nothing read; other routes keep answering', async () => {
      const [first, second] = [
        await createUser(platform.baseUrl, platform.admin, { username: `csv-slow-a-${mode}`, roles: ['data_manager'] }),
        await createUser(platform.baseUrl, platform.admin, { username: `csv-slow-b-${mode}`, roles: ['data_manager'] }),
      ];
      const waiting: SlowUpload[] = [];
      /** A slow upload of the user that holds an import slot (its own import is refused meanwhile); the first try may lose a race. */
      const holdSlot = async (token: string, client: Client): Promise<{ upload: SlowUpload; refusal: { status: number; headers: Record<string, string>; body: Record<string, unknown> } }> => {
        for (;;) {
          const upload = slowUpload(platform.baseUrl, token, `${csv(line({ subject: newSubjectId('SLOW') }))}\n`);
          waiting.push(upload);
          let answered = false;
          void upload.answer.then(() => (answered = true));
          let refusal: { status: number; headers: Record<string, string>; body: Record<string, unknown> } | undefined;
          await waitUntil(async () => {
            refusal = await post(client, csv(line({ subject: newSubjectId('CSV') })));
            return answered || (refusal.status === 503 && /you already have/.test(refusal.body.message as string));
          });
          if (!answered) return { upload, refusal: refusal! };
        }
      };
      try {
        const mine = await holdSlot(adminToken, platform.admin);
        expect(mine.refusal.body.message).toMatch(/^Imports are busy: you already have 1 import running \(at most 1 per user\); nothing was read or stored/);
        expect(mine.refusal.headers['retry-after']).toBeDefined();

        await holdSlot(first.session.accessToken, first.client);
        const refused = newSubjectId('CSV');
        const third = await post(second.client, csv(line({ subject: refused }))).expect(503);
        expect(third.body.message).toMatch(/^Imports are busy: 2 imports are running \(at most 2 at once\); nothing was read or stored/);
        expect(third.headers['retry-after']).toBeDefined();
        await platform.admin.get(`/edc/patients/${refused}`).expect(404);

        // Two idle uploads hold no database connection: every other route answers. (Polled: another
        // writer's transaction, e.g. the audit sealer's, may be idle between two statements at any instant;
        // an upload holding one would hold it for as long as it waits.)
        await waitUntil(async () => (await openTransactions()) === 0);
        await platform.admin.get('/edc/patients').query({ limit: 1 }).expect(200);
        await second.client.get('/edc/patients').query({ limit: 1 }).expect(200);
      } finally {
        for (const upload of waiting) upload.close();
      }
      // Slots are released when the clients go away.
      await waitUntil(async () => (await post(second.client, csv(line({ subject: newSubjectId('CSV') })))).status === 201);
      await waitUntil(async () => (await post(first.client, csv(line({ subject: newSubjectId('CSV') })))).status === 201);
      await waitUntil(async () => (await post(platform.admin, csv(line({ subject: newSubjectId('CSV') })))).status === 201);
    });

    it('is stopped at its deadline and rolled back: the 503 means nothing was stored, even when the rest of the file arrives', async () => {
      const handler = VitalsImportController.prototype.import;
      const deadline: unknown = Reflect.getMetadata(ROUTE_DEADLINE_MS, handler);
      Reflect.defineMetadata(ROUTE_DEADLINE_MS, 3_000, handler);
      const subjects = Array.from({ length: 1_100 }, () => newSubjectId('LATE'));
      const upload = slowUpload(platform.baseUrl, adminToken, `${csv(...subjects.map((subject) => line({ subject })))}\n`);
      try {
        // The first batch is written in the import's transaction, which then waits for the rest.
        await waitUntil(async () => (await openTransactions()) > 0);
        const answer = await upload.answer;
        expect(answer.status).toBe(503);
        expect(answer.body.message).toMatch(/^The import did not finish within its deadline; nothing was stored/);
        expect(answer.headers['retry-after']).toBeDefined();
        upload.send(`${line({ subject: newSubjectId('LATE') })}\n`);
      } finally {
        upload.close();
        Reflect.defineMetadata(ROUTE_DEADLINE_MS, deadline, handler);
      }
      await waitUntil(async () => (await openTransactions()) === 0);
      expect(await storedCount(subjects)).toBe(0);
      const created = await platform.database!.admin(`SELECT count(*)::int AS n FROM patients WHERE subject_number = ANY ($1)`, [subjects]);
      expect(created.rows[0].n).toBe(0);
      // The slot is free again.
      await post(platform.admin, csv(line({ subject: newSubjectId('CSV') }))).expect(201);
    });
  });

  describe('a user limited to site S01', () => {
    let nurse: Client;
    beforeAll(async () => {
      nurse = (await createUser(platform.baseUrl, platform.admin, { username: `csv-nurse-${mode}-${Date.now()}`, roles: ['investigator'], site_ids: ['S01'] })).client;
    });

    it("has each line for another site refused, and another site's subject too; nothing stored", async () => {
      const [mine, theirs] = [newSubjectId('CSV'), newSubjectId('CSV')];
      await post(platform.admin, csv(line({ subject: theirs, site: 'S02' }))).expect(201);
      const response = await post(
        nurse,
        csv(line({ subject: mine }), line({ subject: newSubjectId('CSV'), site: 'S02' }), line({ subject: theirs, visit: 'Day 1' })),
      ).expect(400);
      expect(response.body.details).toEqual([
        { field: 'line 3', problems: ['SiteID is not one of your sites (S01)'] },
        { field: 'line 4', problems: [`subject ${theirs} is not at one of your sites`] },
      ]);
      expect(await storedCount([mine, theirs])).toBe(1);

      const validOnly = await post(nurse, csv(line({ subject: mine }), line({ subject: theirs, visit: 'Day 1' })), `${IMPORT}?valid_only=true`).expect(201);
      expect(validOnly.body).toMatchObject({ records_stored: 1, lines_refused: 1 });
      expect(await storedCount([mine, theirs])).toBe(2);
    });

    it('is refused a role-less import: a monitor gets 403 and nothing is stored', async () => {
      const monitor = (await createUser(platform.baseUrl, platform.admin, { username: `csv-monitor-${mode}-${Date.now()}`, roles: ['monitor'] })).client;
      const subject = newSubjectId('CSV');
      await post(monitor, csv(line({ subject }))).expect(403);
      await platform.admin.get(`/edc/patients/${subject}`).expect(404);
    });
  });

  it('streams a 100,000-line file in one request and stores every line', async () => {
    const prefix = newSubjectId('BIG');
    const subjects = 20_000;
    const visits = ['Screening', 'Day 1', 'Week 4', 'Week 12', 'Follow-up'];
    async function* file(): AsyncGenerator<string> {
      yield `${HEADER}\n`;
      for (let start = 0; start < subjects; start += 1_000) {
        const lines: string[] = [];
        for (let s = start; s < start + 1_000; s += 1) {
          for (const [v, visit] of visits.entries()) {
            lines.push(line({ subject: `${prefix}-${s}`, visit, arm: s % 2 ? 'Active' : 'Placebo', systolic: 110 + ((s + v) % 40), diastolic: 70 + (s % 15) }));
          }
        }
        yield `${lines.join('\n')}\n`;
      }
    }
    const response = await streamCsv(platform.baseUrl, adminToken, IMPORT, file());
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ records_stored: 100_000, lines_received: 100_000, lines_refused: 0, patients_created: subjects });
    const counted = await platform.database!.admin(
      `SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number LIKE $1`,
      [`${prefix}-%`],
    );
    expect(counted.rows[0].n).toBe(100_000);
    const page = await platform.admin.get('/edc/patients').query({ limit: 1 }).expect(200);
    expect(page.body.page.total).toBeGreaterThanOrEqual(subjects);
  }, 400_000);
});
