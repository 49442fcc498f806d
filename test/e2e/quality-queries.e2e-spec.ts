import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Data queries through the gateway: opened by hand on a subject's data point, answered by the
 * site, closed, re-opened and cancelled by data managers, each move audited and written whole or
 * not at all; lists, filters and paging, counts and ageing; and what other sites and roles see.
 */

interface Message {
  id: number;
  kind: string;
  text: string | null;
  status_after: string;
  author_id: string | null;
  author_username: string | null;
  created_at: string;
}

interface Query {
  id: string;
  study: string;
  site_id: string | null;
  subject_id: string;
  vital_sign_id: string | null;
  visit_name: string | null;
  field: string | null;
  value: string | null;
  rule_id: string | null;
  severity: string;
  message: string;
  status: string;
  origin: string;
  assigned_user_id: string | null;
  assigned_username: string | null;
  assigned_site_id: string | null;
  opened_at: string;
  answered_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  reopened_count: number;
  updated_at: string;
  age_days: number;
  thread: Message[];
}

interface AuditEvent {
  id: string;
  action: string;
  user_id: string | null;
  username: string | null;
  entity_id: string | null;
  subject: string | null;
  reason: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

interface Study {
  protocolId: string;
  /** At site S01, with one vital sign at Screening. */
  s01: { subject: string; vitalId: string };
  /** At site S02. */
  s02: { subject: string; vitalId: string };
}

const MOVES = ['answer', 'comment', 'assign', 'close', 'reopen', 'cancel'] as const;
type Move = (typeof MOVES)[number];

/** A valid body for each move route. */
const BODIES: Record<Move, Record<string, unknown>> = {
  answer: { text: 'Confirmed against the source document' },
  comment: { text: 'Please attach the source page' },
  assign: { site_id: 'S01' },
  close: { text: 'Accepted' },
  reopen: { text: 'The answer does not explain the value' },
  cancel: { reason: 'Raised on the wrong subject' },
};

describe.each(['all-in-one', 'split'] as const)('data queries (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let admin: Client;
  let manager: { id: string; username: string; client: Client };
  let investigatorS01: { id: string; username: string; client: Client };
  let investigatorS02: { id: string; username: string; client: Client };
  let monitorS01: Client;
  let managerS02: Client;
  let agent: Client;
  let study: Study;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    admin = platform.admin;
    manager = await user('dm', ['data_manager']);
    investigatorS01 = await user('inv-s01', ['investigator'], ['S01']);
    investigatorS02 = await user('inv-s02', ['investigator'], ['S02']);
    monitorS01 = (await user('mon-s01', ['monitor'], ['S01'])).client;
    managerS02 = (await user('dm-s02', ['data_manager'], ['S02'])).client;
    agent = (await user('agent', ['agent'])).client;
    study = await newStudy();
  });
  afterAll(() => platform?.close());

  /** A new user, signed in; without sites, a user of every site. */
  async function user(prefix: string, roles: string[], siteIds?: string[]): Promise<{ id: string; username: string; client: Client }> {
    const username = newSubjectId(prefix);
    const created = await createUser(platform.baseUrl, admin, { username, roles, ...(siteIds ? { site_ids: siteIds } : {}) });
    return { id: created.id, username, client: created.client };
  }

  /** A study with sites S01 and S02 and one subject (with one vital sign) at each. */
  async function newStudy(): Promise<Study> {
    const protocolId = newSubjectId('QS');
    const created = await admin.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Queries study',
      status: 'enrolling',
      sites: [
        { site_id: 'S01', name: 'Oslo' },
        { site_id: 'S02', name: 'Bergen' },
      ],
      arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }],
      schedule: [
        { visit_name: 'Screening', planned_day: -1, window_before: 13, window_after: 0, required: true },
        { visit_name: 'Day 1', planned_day: 1 },
      ],
    });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const subjectAt = async (site: string) => {
      const subject = newSubjectId(site);
      await admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, ProtocolID: protocolId, SiteID: site })] }).expect(201);
      const vitals = await admin.get(`/edc/patients/${subject}/vitals`).query({ protocolId }).expect(200);
      return { subject, vitalId: vitals.body.vitals[0].id as string };
    };
    return { protocolId, s01: await subjectAt('S01'), s02: await subjectAt('S02') };
  }

  /** Opens a query by hand as the data manager (a field of its own, so it is never identical to another). */
  async function openQuery(overrides: Record<string, unknown> = {}, on: Study = study, client: Client = manager.client): Promise<Query> {
    const response = await client.post('/quality/queries').send({
      study: on.protocolId,
      subject: on.s01.subject,
      field: newSubjectId('F'),
      severity: 'major',
      message: 'Please confirm the value',
      ...overrides,
    });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body as Query;
  }

  async function move(client: Client, id: string, name: Move, body: Record<string, unknown> = BODIES[name], status = 200): Promise<Query> {
    const response = await client.post(`/quality/queries/${id}/${name}`).send(body);
    expect({ move: name, status: response.status, message: response.body.message }).toEqual({ move: name, status, message: response.body.message });
    return response.body as Query;
  }

  async function read(id: string, client: Client = admin): Promise<Query> {
    return (await client.get(`/quality/queries/${id}`).expect(200)).body as Query;
  }

  /** Newest first, as the audit trail lists them. */
  async function auditOf(id: string): Promise<AuditEvent[]> {
    const response = await admin.get('/security/audit/events').query({ entityType: 'quality_query', entityId: id, limit: 500 });
    expect(response.status).toBe(200);
    return response.body.data as AuditEvent[];
  }

  async function list(client: Client, query: Record<string, string | number | string[]>): Promise<{ data: Query[]; page: { limit: number; offset: number; total: number } }> {
    const response = await client.get('/quality/queries').query(query);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body;
  }

  /** The test database as its owner: to insert queries of a chosen age, which no route can. */
  async function asOwner<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: platform.database!.migrationUrl });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }

  interface Seeded {
    subject: string;
    site: string;
    status: 'open' | 'answered' | 'closed' | 'cancelled';
    /** Days before now it was opened, and (closed) closed. */
    openedDaysAgo: number;
    closedDaysAgo?: number;
    rule?: string;
    severity?: string;
  }

  /**
   * Queries inserted directly with an opened_at in the past (ageing cannot be waited for). The
   * database lets a query be opened only open and at its own time, so the table's owner sets its
   * triggers aside for this one transaction (ALTER TABLE is transactional: no other session sees
   * them disabled).
   */
  async function seed(on: Study, rows: Seeded[]): Promise<string[]> {
    return asOwner(async (db) => {
      await db.query('BEGIN');
      await db.query('ALTER TABLE quality_queries DISABLE TRIGGER USER');
      const ids: string[] = [];
      for (const row of rows) {
        const result = await db.query<{ id: string }>(
          `INSERT INTO quality_queries (protocol_id, site_id, subject_id, field, rule_id, severity, message, status, origin, opened_at, answered_at, closed_at, cancelled_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'seeded', $7::text, 'manual', now() - make_interval(days => $8::int),
                   CASE WHEN $7::text IN ('answered', 'closed') THEN now() - make_interval(days => $8::int) END,
                   CASE WHEN $7::text = 'closed' THEN now() - make_interval(days => $9::int) END,
                   CASE WHEN $7::text = 'cancelled' THEN now() END)
           RETURNING id`,
          [on.protocolId, row.site, row.subject, randomUUID(), row.rule ?? null, row.severity ?? 'minor', row.status, row.openedDaysAgo, row.closedDaysAgo ?? 0],
        );
        ids.push(result.rows[0].id);
      }
      // The deferred foreign-key checks run now: ALTER TABLE refuses a table with pending trigger events.
      await db.query('SET CONSTRAINTS ALL IMMEDIATE');
      await db.query('ALTER TABLE quality_queries ENABLE TRIGGER USER');
      await db.query('COMMIT');
      return ids;
    });
  }

  describe('the lifecycle', () => {
    it('opens a query by hand on a vital sign (visit from the record, origin manual), with its opened message and audit event', async () => {
      const opened = await openQuery({ vital_sign_id: study.s01.vitalId, field: 'SystolicBP', value: '125', message: '  Systolic 125 at Screening: please confirm  ' });
      expect(opened).toMatchObject({
        study: study.protocolId,
        site_id: 'S01',
        subject_id: study.s01.subject,
        vital_sign_id: study.s01.vitalId,
        visit_name: 'Screening',
        field: 'SystolicBP',
        value: '125',
        rule_id: null,
        severity: 'major',
        message: 'Systolic 125 at Screening: please confirm',
        status: 'open',
        origin: 'manual',
        reopened_count: 0,
        answered_at: null,
        closed_at: null,
        age_days: 0,
      });
      expect(opened.thread).toEqual([
        expect.objectContaining({ kind: 'opened', text: 'Systolic 125 at Screening: please confirm', status_after: 'open', author_id: manager.id, author_username: manager.username }),
      ]);
      expect(await auditOf(opened.id)).toEqual([
        expect.objectContaining({
          action: 'open',
          user_id: manager.id,
          username: manager.username,
          subject: study.s01.subject,
          changes: expect.objectContaining({ status: { old: null, new: 'open' }, severity: { old: null, new: 'major' }, visit_name: { old: null, new: 'Screening' } }),
        }),
      ]);
    });

    it('goes open → answered → closed → re-opened → answered → closed, the thread in order and every move audited with who and old/new status', async () => {
      const opened = await openQuery();
      const answered = await move(investigatorS01.client, opened.id, 'answer', { text: 'Value confirmed' });
      expect(answered).toMatchObject({ status: 'answered', closed_at: null });
      expect(answered.answered_at).not.toBeNull();
      const closed = await move(manager.client, opened.id, 'close', {});
      expect(closed).toMatchObject({ status: 'closed', reopened_count: 0 });
      expect(closed.closed_at).not.toBeNull();
      const reopened = await move(manager.client, opened.id, 'reopen', { text: 'Source shows another value' });
      expect(reopened).toMatchObject({ status: 'open', reopened_count: 1, answered_at: null, closed_at: null });
      await move(investigatorS01.client, opened.id, 'answer', { text: 'Corrected on the form' });
      const final = await move(manager.client, opened.id, 'close', { text: 'Accepted' });
      expect(final).toMatchObject({ status: 'closed', reopened_count: 1 });

      const thread = (await read(opened.id)).thread;
      expect(thread.map((m) => [m.kind, m.status_after, m.text, m.author_username])).toEqual([
        ['opened', 'open', 'Please confirm the value', manager.username],
        ['answer', 'answered', 'Value confirmed', investigatorS01.username],
        ['close', 'closed', null, manager.username],
        ['reopen', 'open', 'Source shows another value', manager.username],
        ['answer', 'answered', 'Corrected on the form', investigatorS01.username],
        ['close', 'closed', 'Accepted', manager.username],
      ]);
      expect(thread.map((m) => m.id)).toEqual([...thread.map((m) => m.id)].sort((a, b) => a - b));
      expect(thread.map((m) => m.created_at)).toEqual([...thread.map((m) => m.created_at)].sort());

      const events = (await auditOf(opened.id)).reverse();
      expect(events.map((e) => [e.action, e.username, e.changes?.status])).toEqual([
        ['open', manager.username, { old: null, new: 'open' }],
        ['answer', investigatorS01.username, { old: 'open', new: 'answered' }],
        ['close', manager.username, { old: 'answered', new: 'closed' }],
        ['reopen', manager.username, { old: 'closed', new: 'open' }],
        ['answer', investigatorS01.username, { old: 'open', new: 'answered' }],
        ['close', manager.username, { old: 'answered', new: 'closed' }],
      ]);
      expect(events[3]).toMatchObject({ reason: 'Source shows another value', changes: { reopened_count: { old: 0, new: 1 } } });
      expect(events[1].changes).toMatchObject({ text: { old: null, new: 'Value confirmed' } });
      for (const event of events) expect(event).toMatchObject({ entity_id: opened.id, subject: study.s01.subject });
    });

    it('keeps the status on a comment, audited as a comment; an investigator comments, a data manager too', async () => {
      const opened = await openQuery();
      await move(investigatorS01.client, opened.id, 'comment', { text: 'Checking the source' });
      const after = await move(manager.client, opened.id, 'comment', { text: 'Thank you' });
      expect(after.status).toBe('open');
      expect(after.thread.map((m) => [m.kind, m.status_after])).toEqual([
        ['opened', 'open'],
        ['comment', 'open'],
        ['comment', 'open'],
      ]);
      expect((await auditOf(opened.id)).map((e) => [e.action, e.changes?.status])).toEqual([
        ['comment', { old: 'open', new: 'open' }],
        ['comment', { old: 'open', new: 'open' }],
        ['open', { old: null, new: 'open' }],
      ]);
    });

    it('cancels an open or answered query with a reason (final), audited with the reason', async () => {
      const open = await openQuery();
      const cancelled = await move(manager.client, open.id, 'cancel', { reason: '  Raised on the wrong subject ' });
      expect(cancelled).toMatchObject({ status: 'cancelled' });
      expect(cancelled.cancelled_at).not.toBeNull();
      expect(cancelled.thread.at(-1)).toMatchObject({ kind: 'cancel', text: 'Raised on the wrong subject', status_after: 'cancelled' });
      expect((await auditOf(open.id))[0]).toMatchObject({ action: 'cancel', reason: 'Raised on the wrong subject', changes: { status: { old: 'open', new: 'cancelled' } } });

      const answered = await openQuery();
      await move(investigatorS01.client, answered.id, 'answer');
      expect((await move(admin, answered.id, 'cancel')).status).toBe('cancelled');
    });

    it('refuses every move its status does not allow with 409 naming the status and the allowed moves, writing nothing', async () => {
      const open = await openQuery();
      const answered = await openQuery();
      await move(investigatorS01.client, answered.id, 'answer');
      const closed = await openQuery();
      await move(investigatorS01.client, closed.id, 'answer');
      await move(manager.client, closed.id, 'close');
      const cancelled = await openQuery();
      await move(manager.client, cancelled.id, 'cancel');

      const refusals: Array<[Query, Move, RegExp]> = [
        // There is no /correct route: a correction is made to the data in the EDC, and the message says so.
        [open, 'close', /The query is open: it cannot take 'close'; from open the allowed moves are: answer, correct \(by correcting the data in the EDC with a reason\), comment, assign, cancel;/],
        [open, 'reopen', /The query is open: it cannot take 'reopen'/],
        [answered, 'answer', /The query is answered: it cannot take 'answer'; from answered the allowed moves are: correct \(by correcting the data in the EDC with a reason\), comment, assign, close, reopen, cancel;/],
        ...(['answer', 'comment', 'assign', 'close', 'cancel'] as const).map((name): [Query, Move, RegExp] => [closed, name, new RegExp(`The query is closed: it cannot take '${name}'; from closed the allowed moves are: reopen`)]),
        ...MOVES.map((name): [Query, Move, RegExp] => [cancelled, name, new RegExp(`The query is cancelled: it cannot take '${name}'; cancelled is final`)]),
      ];
      for (const [query, name, message] of refusals) {
        const before = await read(query.id);
        // Compared by id: the sealer links events into the hash chain meanwhile.
        const eventsBefore = (await auditOf(query.id)).map((event) => event.id);
        const response = await manager.client.post(`/quality/queries/${query.id}/${name}`).send(BODIES[name]);
        expect({ move: name, status: response.status, message: response.body.message }).toEqual({ move: name, status: 409, message: expect.stringMatching(message) });
        expect(await read(query.id)).toEqual(before);
        expect((await auditOf(query.id)).map((event) => event.id)).toEqual(eventsBefore);
      }
    });

    it('makes concurrent moves one after the other: of a close and a cancel sent together, one wins and the other is refused', async () => {
      for (let round = 0; round < 3; round += 1) {
        const query = await openQuery();
        await move(investigatorS01.client, query.id, 'answer');
        const [close, cancel] = await Promise.all([
          manager.client.post(`/quality/queries/${query.id}/close`).send({}),
          admin.post(`/quality/queries/${query.id}/cancel`).send(BODIES.cancel),
        ]);
        expect([close.status, cancel.status].sort()).toEqual([200, 409]);
        const final = await read(query.id);
        expect(final.status).toBe(close.status === 200 ? 'closed' : 'cancelled');
        expect(final.thread.map((m) => m.kind)).toEqual(['opened', 'answer', close.status === 200 ? 'close' : 'cancel']);
        expect(await auditOf(query.id)).toHaveLength(3);
      }
    });

    it('writes a move whole or not at all: when its audit event cannot be written, the status and the thread stay as they were', async () => {
      const query = await openQuery();
      // As the database's superuser: a trigger refusing this one audit event, as a failing audit write would.
      await platform.database!.admin(`
        CREATE FUNCTION refuse_probe_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.entity_type = 'quality_query' AND NEW.changes -> 'text' ->> 'new' = 'audit-failure-probe' THEN RAISE EXCEPTION 'audit write refused'; END IF;
          RETURN NEW;
        END $$`);
      await platform.database!.admin(`CREATE TRIGGER refuse_probe_event BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_probe_event()`);
      try {
        const failed = await investigatorS01.client.post(`/quality/queries/${query.id}/answer`).send({ text: 'audit-failure-probe' });
        expect(failed.status).toBeGreaterThanOrEqual(500);
        expect(await read(query.id)).toEqual(query);
        expect(await auditOf(query.id)).toHaveLength(1);
      } finally {
        await platform.database!.admin(`DROP TRIGGER refuse_probe_event ON audit_events`);
        await platform.database!.admin(`DROP FUNCTION refuse_probe_event()`);
      }
      expect((await move(investigatorS01.client, query.id, 'answer', { text: 'audit-failure-probe' })).status).toBe('answered');
    });

    it('assigns to a user (their username from the user directory) and to the query\'s site, filters by assignee (an id, or me), removes an assignment with null; audited', async () => {
      const opened = await openQuery();
      // The id as a client may spell it: stored as the directory has it.
      const assigned = await move(manager.client, opened.id, 'assign', { user_id: investigatorS01.id.toUpperCase(), site_id: 'S01' });
      expect(assigned).toMatchObject({ status: 'open', assigned_user_id: investigatorS01.id, assigned_username: investigatorS01.username, assigned_site_id: 'S01' });
      expect(assigned.thread.at(-1)).toMatchObject({ kind: 'assign', status_after: 'open', text: `assigned to user ${investigatorS01.username} (${investigatorS01.id}); assigned to site S01` });
      expect((await auditOf(opened.id))[0]).toMatchObject({
        action: 'assign',
        username: manager.username,
        changes: {
          status: { old: 'open', new: 'open' },
          assigned_user_id: { old: null, new: investigatorS01.id },
          assigned_username: { old: null, new: investigatorS01.username },
          assigned_site_id: { old: null, new: 'S01' },
        },
      });
      expect((await list(investigatorS01.client, { assignee: 'me', study: study.protocolId })).data.map((q) => q.id)).toEqual([opened.id]);
      expect((await list(admin, { assignee: investigatorS01.id, study: study.protocolId })).data.map((q) => q.id)).toEqual([opened.id]);
      expect((await list(manager.client, { assignee: 'me', study: study.protocolId })).data).toEqual([]);

      const sameAgain = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ site_id: 'S01' });
      expect({ status: sameAgain.status, message: sameAgain.body.message }).toEqual({ status: 400, message: expect.stringMatching(/changes nothing/) });
      const sameUser = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ user_id: investigatorS01.id });
      expect({ status: sameUser.status, message: sameUser.body.message }).toEqual({ status: 400, message: expect.stringMatching(/user_id: changes nothing/) });

      // A user of every site may be assigned a query of any site.
      const toManager = await move(admin, opened.id, 'assign', { user_id: manager.id });
      expect(toManager).toMatchObject({ assigned_user_id: manager.id, assigned_username: manager.username, assigned_site_id: 'S01' });

      const removed = await move(manager.client, opened.id, 'assign', { user_id: null });
      expect(removed).toMatchObject({ assigned_user_id: null, assigned_username: null, assigned_site_id: 'S01' });
      expect(removed.thread.at(-1)?.text).toBe('user assignment removed');
      expect((await auditOf(opened.id)).filter((e) => e.action === 'assign')).toHaveLength(3);
    });

    it('refuses a site other than the query\'s own (a query is answered by its subject\'s site), even another site of its study, writing nothing', async () => {
      const opened = await openQuery();
      for (const site of ['S02', 'S09']) {
        const refused = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ site_id: site });
        expect({ status: refused.status, message: refused.body.message, details: refused.body.details }).toEqual({
          status: 400,
          message: `Validation failed: site_id: "${site}" is not the query's site: a query is answered by its subject's site, S01; nothing was changed`,
          details: [{ field: 'site_id', problems: [`"${site}" is not the query's site: a query is answered by its subject's site, S01`] }],
        });
      }
      // A good user with a wrong site: the whole assignment is refused.
      expect((await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ user_id: investigatorS01.id, site_id: 'S02' })).status).toBe(400);
      expect(await read(opened.id)).toEqual(opened);
      expect(await auditOf(opened.id)).toHaveLength(1);
    });

    it('refuses a deactivated user, a user without a role that answers queries, a user of another site (400 saying which) and an unknown user (404), writing nothing', async () => {
      const opened = await openQuery();
      const deactivated = await user('inv-gone', ['investigator'], ['S01']);
      await admin.post(`/security/users/${deactivated.id}/deactivate`).expect(200);
      const monitor = await user('mon', ['monitor'], ['S01']);
      const statistician = await user('stat', ['statistician', 'agent']);
      const twoFailures = await user('mon-gone', ['monitor'], ['S02']);
      await admin.post(`/security/users/${twoFailures.id}/deactivate`).expect(200);
      const unknown = randomUUID();
      const who = (u: { id: string; username: string }) => `user ${u.username} (${u.id})`;

      const cases: Array<[string, number, string]> = [
        [deactivated.id, 400, `Validation failed: user_id: ${who(deactivated)} is deactivated: assign an active user; nothing was changed`],
        [monitor.id, 400, `Validation failed: user_id: ${who(monitor)} holds no role that answers queries (admin, data_manager, investigator); their roles: monitor; nothing was changed`],
        [statistician.id, 400, `Validation failed: user_id: ${who(statistician)} holds no role that answers queries (admin, data_manager, investigator); their roles: statistician, agent; nothing was changed`],
        [investigatorS02.id, 400, `Validation failed: user_id: ${who(investigatorS02)} does not see the query's site S01 (their sites: S02); nothing was changed`],
        [
          twoFailures.id,
          400,
          `Validation failed: user_id: ${who(twoFailures)} is deactivated: assign an active user; ${who(twoFailures)} holds no role that answers queries (admin, data_manager, investigator); their roles: monitor; ${who(twoFailures)} does not see the query's site S01 (their sites: S02); nothing was changed`,
        ],
        [unknown, 404, `No user ${unknown} in the user directory; nothing was changed`],
      ];
      for (const [userId, status, message] of cases) {
        const refused = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ user_id: userId, site_id: 'S01' });
        expect({ userId, status: refused.status, message: refused.body.message }).toEqual({ userId, status, message });
        if (status === 400) expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual(['user_id']);
      }
      const twice = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ user_id: twoFailures.id });
      expect(twice.body.details).toEqual([{ field: 'user_id', problems: [expect.stringMatching(/deactivated/), expect.stringMatching(/no role/), expect.stringMatching(/does not see/)] }]);
      expect(await read(opened.id)).toEqual(opened);
      expect(await auditOf(opened.id)).toHaveLength(1);
    });

    it('refuses a username from the client (it is read from the directory) and bodies without user_id or site_id', async () => {
      const opened = await openQuery();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ user_id: investigatorS01.id, username: investigatorS01.username }, 'username'],
        [{ user_id: investigatorS01.id, username: 'someone-else' }, 'username'],
        [{ username: investigatorS01.username }, 'username'],
        [{}, 'user_id'],
        [{ user_id: 'not-a-uuid' }, 'user_id'],
        [{ user_id: investigatorS01.id, full_name: 'x' }, 'full_name'],
      ];
      for (const [body, field] of cases) {
        const refused = await manager.client.post(`/quality/queries/${opened.id}/assign`).send(body);
        const fields = (refused.body.details ?? []).map((d: { field: string }) => d.field);
        expect({ body, status: refused.status, fields }).toEqual({ body, status: 400, fields: [field] });
      }
      const unknownField = await manager.client.post(`/quality/queries/${opened.id}/assign`).send({ user_id: investigatorS01.id, username: 'x' });
      expect(unknownField.body.message).toBe('Validation failed: username: property username should not exist');
      expect(await read(opened.id)).toEqual(opened);
      expect(await auditOf(opened.id)).toHaveLength(1);
    });

    it('never names other sites, nor users who share none of their sites, to a site-limited data manager: only the id sent and the condition', async () => {
      const ofS02 = await openQuery({ subject: study.s02.subject }, study, managerS02);
      const elsewhere = await user('inv-x', ['investigator'], ['S01']);
      const refused = await managerS02.post(`/quality/queries/${ofS02.id}/assign`).send({ user_id: elsewhere.id });
      expect({ status: refused.status, message: refused.body.message }).toEqual({
        status: 400,
        message: `Validation failed: user_id: user ${elsewhere.id} cannot be assigned this query: the user does not see the query's site S02; nothing was changed`,
      });
      expect(JSON.stringify(refused.body)).not.toMatch(new RegExp(`S01|Oslo|${elsewhere.username}|investigator`));
      // A monitor of another site: neither the username nor the roles are told, only what fails.
      const monitorElsewhere = await user('mon-x', ['monitor'], ['S01']);
      const notAnswerer = await managerS02.post(`/quality/queries/${ofS02.id}/assign`).send({ user_id: monitorElsewhere.id });
      expect(notAnswerer.body.details).toEqual([
        {
          field: 'user_id',
          problems: [
            `user ${monitorElsewhere.id} cannot be assigned this query: the user holds no role that answers queries (admin, data_manager, investigator)`,
            `user ${monitorElsewhere.id} cannot be assigned this query: the user does not see the query's site S02`,
          ],
        },
      ]);
      expect(JSON.stringify(notAnswerer.body)).not.toMatch(new RegExp(`${monitorElsewhere.username}|monitor|S01`));
      // A user who shares a site with the data manager is named, with their roles.
      const monitorS02 = await user('mon-s02', ['monitor'], ['S02']);
      const named = await managerS02.post(`/quality/queries/${ofS02.id}/assign`).send({ user_id: monitorS02.id });
      expect(named.body.message).toBe(
        `Validation failed: user_id: user ${monitorS02.username} (${monitorS02.id}) holds no role that answers queries (admin, data_manager, investigator); their roles: monitor; nothing was changed`,
      );
      expect(await read(ofS02.id)).toEqual(ofS02);
      expect(await auditOf(ofS02.id)).toHaveLength(1);
      // The same refusal to a data manager of every site names the user's sites.
      const toAll = await manager.client.post(`/quality/queries/${ofS02.id}/assign`).send({ user_id: elsewhere.id });
      expect(toAll.body.message).toMatch(/does not see the query's site S02 \(their sites: S01\)/);

      const assigned = await move(managerS02, ofS02.id, 'assign', { user_id: investigatorS02.id, site_id: 'S02' });
      expect(assigned).toMatchObject({ assigned_user_id: investigatorS02.id, assigned_username: investigatorS02.username, assigned_site_id: 'S02' });
    });
  });

  describe('opening by hand', () => {
    it('answers 409 naming the identical open query, and opens it again once that one is closed', async () => {
      const body = { study: study.protocolId, subject: study.s01.subject, visit: 'Screening', field: 'HeartRate', value: '72', severity: 'minor', message: 'Check' };
      const first = await manager.client.post('/quality/queries').send(body).expect(201);
      const again = await manager.client.post('/quality/queries').send({ ...body, message: 'Another wording', severity: 'critical' });
      expect({ status: again.status, message: again.body.message }).toEqual({ status: 409, message: expect.stringContaining(first.body.id) });
      expect(again.body.message).toMatch(/is open/);
      expect((await list(admin, { study: study.protocolId, subject: study.s01.subject, status: 'open' })).data.filter((q) => q.field === 'HeartRate')).toHaveLength(1);
      await move(investigatorS01.client, first.body.id, 'answer');
      expect((await manager.client.post('/quality/queries').send(body)).status).toBe(409);
      await move(manager.client, first.body.id, 'close');
      expect((await manager.client.post('/quality/queries').send(body)).status).toBe(201);
    });

    it('refuses to re-open a closed query beside an identical open one (409 naming it, nothing written), and re-opens it once that one is resolved', async () => {
      const body = { study: study.protocolId, subject: study.s01.subject, vital_sign_id: study.s01.vitalId, field: 'DiastolicBP', value: '80', severity: 'minor', message: 'Check' };
      const first = (await manager.client.post('/quality/queries').send(body).expect(201)).body as Query;
      await move(investigatorS01.client, first.id, 'answer');
      await move(manager.client, first.id, 'close');
      const second = (await manager.client.post('/quality/queries').send(body).expect(201)).body as Query;
      const closed = await read(first.id);
      const eventsBefore = (await auditOf(first.id)).map((event) => event.id);

      const refused = await manager.client.post(`/quality/queries/${first.id}/reopen`).send({ text: 'Not explained' });
      expect({ status: refused.status, message: refused.body.message }).toEqual({
        status: 409,
        message: `Query ${first.id} cannot be re-opened: an identical query on the same data point is open: ${second.id}; only one query per data point may be open or answered, so add to that one's thread instead; nothing was changed`,
      });
      await move(investigatorS01.client, second.id, 'answer');
      const whileAnswered = await admin.post(`/quality/queries/${first.id}/reopen`).send({ text: 'Not explained' });
      expect({ status: whileAnswered.status, message: whileAnswered.body.message }).toEqual({ status: 409, message: expect.stringContaining(`is answered: ${second.id}`) });
      expect(await read(first.id)).toEqual(closed);
      expect((await auditOf(first.id)).map((event) => event.id)).toEqual(eventsBefore);

      await move(manager.client, second.id, 'cancel');
      const reopened = await move(manager.client, first.id, 'reopen', { text: 'Not explained' });
      expect(reopened).toMatchObject({ status: 'open', reopened_count: 1 });
    });

    it('takes a value of at most 1,000 bytes in UTF-8 (400 beyond, saying so, nothing opened), with a visit and a field of 64 four-byte characters', async () => {
      const emoji = '\u{1F600}';
      const base = { study: study.protocolId, subject: study.s01.subject, severity: 'minor', message: 'Long value' };
      for (const value of [emoji.repeat(1000), emoji.repeat(251), 'x'.repeat(1001), `${'x'.repeat(999)}é`]) {
        const refused = await manager.client.post('/quality/queries').send({ ...base, field: 'LongValueProbe', value });
        expect({ length: value.length, status: refused.status, details: refused.body.details }).toEqual({
          length: value.length,
          status: 400,
          details: [{ field: 'value', problems: ['must be at most 1000 bytes in UTF-8 (an accented letter or a character of another script takes 2 to 4)'] }],
        });
      }
      expect((await list(admin, { study: study.protocolId, limit: 500 })).data.filter((q) => q.field === 'LongValueProbe')).toEqual([]);
      // The largest key the one-open-query index can be given: stored, and refused the second time as identical (409, not 500).
      const largest = { ...base, visit: emoji.repeat(64), field: emoji.repeat(64), value: emoji.repeat(250) };
      const opened = await manager.client.post('/quality/queries').send(largest);
      expect({ status: opened.status, value: opened.body.value, visit: opened.body.visit_name }).toEqual({ status: 201, value: largest.value, visit: largest.visit });
      expect((await manager.client.post('/quality/queries').send(largest)).status).toBe(409);
      expect((await manager.client.post('/quality/queries').send({ ...base, field: 'LongValueProbe', value: `${'x'.repeat(998)}ø` })).status).toBe(201);
      expect((await manager.client.post('/quality/queries').send({ ...base, field: emoji.repeat(65) })).body.details).toEqual([
        { field: 'field', problems: ['must be 1 to 64 characters and not blank'] },
      ]);
    });

    it('answers 404 for a subject not in the study, a vital sign of another subject, or a subject at a site the user may not see', async () => {
      const base = { study: study.protocolId, severity: 'major', message: 'Check' };
      const missing = await manager.client.post('/quality/queries').send({ ...base, subject: 'NOBODY-1' });
      expect({ status: missing.status, message: missing.body.message }).toEqual({ status: 404, message: `No subject NOBODY-1 in study ${study.protocolId} at sites you may see` });
      const otherStudy = await manager.client.post('/quality/queries').send({ ...base, study: 'DEFAULT', subject: study.s01.subject });
      expect(otherStudy.status).toBe(404);
      const foreignVital = await manager.client.post('/quality/queries').send({ ...base, subject: study.s01.subject, vital_sign_id: study.s02.vitalId });
      expect({ status: foreignVital.status, message: foreignVital.body.message }).toEqual({ status: 404, message: expect.stringMatching(/No vital sign/) });
      const otherSite = await managerS02.post('/quality/queries').send({ ...base, subject: study.s01.subject });
      expect({ status: otherSite.status, message: otherSite.body.message }).toEqual({
        status: 404,
        message: `No subject ${study.s01.subject} in study ${study.protocolId} at sites you may see`,
      });
      const wrongVisit = await manager.client.post('/quality/queries').send({ ...base, subject: study.s01.subject, vital_sign_id: study.s01.vitalId, visit: 'Day 1' });
      expect({ status: wrongVisit.status, message: wrongVisit.body.message }).toEqual({ status: 400, message: expect.stringMatching(/visit: is not the visit of vital sign/) });
      expect((await list(admin, { study: study.protocolId, subject: study.s01.subject })).data.filter((q) => q.message === 'Check' && q.field === null)).toEqual([]);
    });

    it('lets a site-limited data manager open a query on a subject of their site', async () => {
      const opened = await openQuery({ subject: study.s02.subject }, study, managerS02);
      expect(opened).toMatchObject({ site_id: 'S02', status: 'open' });
    });
  });

  describe('lists, filters and paging', () => {
    let other: Study;
    let seeded: string[];
    let opened: Query[];

    beforeAll(async () => {
      other = await newStudy();
      opened = [];
      for (let n = 0; n < 5; n += 1) opened.push(await openQuery({ severity: n % 2 === 0 ? 'major' : 'critical' }, other));
      seeded = await seed(other, [
        { subject: other.s01.subject, site: 'S01', status: 'open', openedDaysAgo: 3, rule: 'VS001' },
        { subject: other.s02.subject, site: 'S02', status: 'answered', openedDaysAgo: 10, rule: 'VS001' },
        { subject: other.s02.subject, site: 'S02', status: 'closed', openedDaysAgo: 20, closedDaysAgo: 12, rule: 'VS003' },
        { subject: other.s01.subject, site: 'S01', status: 'cancelled', openedDaysAgo: 40 },
      ]);
    });

    it('pages newest first with the right total, pages disjoint and together the whole list', async () => {
      const all = await list(admin, { study: other.protocolId, limit: 500 });
      expect(all.page).toEqual({ limit: 500, offset: 0, total: 9 });
      const openedAt = all.data.map((q) => q.opened_at);
      expect(openedAt).toEqual([...openedAt].sort().reverse());
      expect(all.data.slice(0, 5).map((q) => q.id)).toEqual(opened.map((q) => q.id).reverse());

      const pages: string[][] = [];
      for (const offset of [0, 4, 8]) {
        const page = await list(admin, { study: other.protocolId, limit: 4, offset });
        expect(page.page).toEqual({ limit: 4, offset, total: 9 });
        pages.push(page.data.map((q) => q.id));
      }
      expect(pages.map((p) => p.length)).toEqual([4, 4, 1]);
      expect(new Set(pages.flat()).size).toBe(9);
      expect(pages.flat()).toEqual(all.data.map((q) => q.id));
      const beyond = await list(admin, { study: other.protocolId, limit: 4, offset: 40 });
      expect(beyond).toEqual({ data: [], page: { limit: 4, offset: 40, total: 9 } });
      const farthest = await list(admin, { study: other.protocolId, offset: 1_000_000_000 });
      expect(farthest).toEqual({ data: [], page: { limit: 50, offset: 1_000_000_000, total: 9 } });
      // Filtered: the total counts the matches of the filter, the page holds them.
      const critical = await list(admin, { study: other.protocolId, severity: 'critical', limit: 1, offset: 1 });
      expect({ total: critical.page.total, ids: critical.data.map((q) => q.id) }).toEqual({ total: 2, ids: [opened[1].id] });
    });

    it('refuses offsets beyond 1,000,000,000 or not whole with 400 saying the range (no rounding, no database error)', async () => {
      for (const offset of ['9223372036854775807', '1e308', '9007199254740993', '1000000001', '-1', '1.5', 'x']) {
        const response = await admin.get('/quality/queries').query({ study: other.protocolId, offset });
        expect({ offset, status: response.status, details: response.body.details }).toEqual({
          offset,
          status: 400,
          details: [{ field: 'offset', problems: ['must be a whole number from 0 to 1,000,000,000'] }],
        });
      }
    });

    it('filters by status (one, repeated or comma-separated), severity, rule, site, subject and age', async () => {
      const ids = async (query: Record<string, string | number | string[]>) => (await list(admin, { study: other.protocolId, limit: 500, ...query })).data.map((q) => q.id).sort();
      const openIds = opened.map((q) => q.id);
      expect(await ids({ status: 'open' })).toEqual([...openIds, seeded[0]].sort());
      expect(await ids({ status: ['answered', 'closed'] })).toEqual([seeded[1], seeded[2]].sort());
      expect(await ids({ status: 'answered,cancelled' })).toEqual([seeded[1], seeded[3]].sort());
      expect(await ids({ severity: 'critical' })).toEqual([openIds[1], openIds[3]].sort());
      expect(await ids({ rule: 'VS001' })).toEqual([seeded[0], seeded[1]].sort());
      expect(await ids({ site: 'S02' })).toEqual([seeded[1], seeded[2]].sort());
      expect(await ids({ subject: other.s02.subject })).toEqual([seeded[1], seeded[2]].sort());
      // Age: whole days until closed or cancelled, or until now.
      expect(await ids({ min_age_days: 5 })).toEqual([seeded[1], seeded[2], seeded[3]].sort());
      expect(await ids({ min_age_days: 9, max_age_days: 10 })).toEqual([seeded[1]]);
      expect(await ids({ min_age_days: 3, max_age_days: 8 })).toEqual([seeded[0], seeded[2]].sort());
      expect(await ids({ max_age_days: 0 })).toEqual([...openIds].sort());
      const aged = (await list(admin, { study: other.protocolId, limit: 500 })).data;
      expect(Object.fromEntries(aged.filter((q) => seeded.includes(q.id)).map((q) => [q.id, q.age_days]))).toEqual({
        [seeded[0]]: 3,
        [seeded[1]]: 10,
        [seeded[2]]: 8,
        [seeded[3]]: 40,
      });
    });

    it('summarizes counts by site and status, and ageing of unresolved and closed queries', async () => {
      const aging = await newStudy();
      await seed(aging, [
        { subject: aging.s01.subject, site: 'S01', status: 'open', openedDaysAgo: 2 },
        { subject: aging.s01.subject, site: 'S01', status: 'answered', openedDaysAgo: 10 },
        { subject: aging.s02.subject, site: 'S02', status: 'open', openedDaysAgo: 20 },
        { subject: aging.s02.subject, site: 'S02', status: 'open', openedDaysAgo: 40 },
        { subject: aging.s01.subject, site: 'S01', status: 'closed', openedDaysAgo: 10, closedDaysAgo: 6 },
        { subject: aging.s01.subject, site: 'S01', status: 'closed', openedDaysAgo: 5, closedDaysAgo: 3 },
        { subject: aging.s02.subject, site: 'S02', status: 'closed', openedDaysAgo: 30, closedDaysAgo: 20 },
        { subject: aging.s02.subject, site: 'S02', status: 'cancelled', openedDaysAgo: 1 },
      ]);
      const summary = (await admin.get('/quality/queries/summary').query({ study: aging.protocolId }).expect(200)).body;
      expect(summary).toEqual({
        study: aging.protocolId,
        totals: { open: 3, answered: 1, closed: 3, cancelled: 1, total: 8 },
        by_site: [
          { site_id: 'S01', open: 1, answered: 1, closed: 2, cancelled: 0, total: 4 },
          { site_id: 'S02', open: 2, answered: 0, closed: 1, cancelled: 1, total: 4 },
        ],
        ageing: {
          unresolved: { count: 4, days_0_7: 1, days_8_14: 1, days_15_30: 1, days_over_30: 1, median_age_days: 15, max_age_days: 40 },
          closed: { count: 3, median_days_to_close: 4 },
        },
        as_of: expect.any(String),
      });

      const ofS02 = (await investigatorS02.client.get('/quality/queries/summary').query({ study: aging.protocolId }).expect(200)).body;
      expect(ofS02).toMatchObject({
        totals: { open: 2, answered: 0, closed: 1, cancelled: 1, total: 4 },
        by_site: [{ site_id: 'S02', open: 2, answered: 0, closed: 1, cancelled: 1, total: 4 }],
        ageing: { unresolved: { count: 2, days_15_30: 1, days_over_30: 1, median_age_days: 30, max_age_days: 40 }, closed: { count: 1, median_days_to_close: 10 } },
      });

      const empty = (await admin.get('/quality/queries/summary').query({ study: 'DEFAULT' }).expect(200)).body;
      expect(empty).toMatchObject({
        totals: { open: 0, answered: 0, closed: 0, cancelled: 0, total: 0 },
        by_site: [],
        ageing: { unresolved: { count: 0, median_age_days: null, max_age_days: null }, closed: { count: 0, median_days_to_close: null } },
      });
      expect((await admin.get('/quality/queries/summary').query({ study: 'NO-SUCH-STUDY' })).status).toBe(404);
      expect((await admin.get('/quality/queries/summary')).status).toBe(400);
    });
  });

  describe('sites and roles', () => {
    let ofS01: Query;
    let ofS02: Query;

    beforeAll(async () => {
      ofS01 = await openQuery();
      ofS02 = await openQuery({ subject: study.s02.subject });
    });

    it('answers another site\'s query exactly as a missing one (reads and moves), and lists none of it', async () => {
      const missing = randomUUID();
      const pathsOf = (id: string) => [['get', `/quality/queries/${id}`], ...MOVES.map((name) => ['post', `/quality/queries/${id}/${name}`])] as const;
      const asS02 = async (method: string, path: string, name?: Move) =>
        method === 'get' ? investigatorS02.client.get(path) : investigatorS02.client.post(path).send(name ? BODIES[name] : {});
      for (const [index, [method, path]] of pathsOf(ofS01.id).entries()) {
        // Investigators may not assign, close, reopen or cancel: their answer is 403 whatever the query.
        const name = index === 0 ? undefined : MOVES[index - 1];
        if (name && !['answer', 'comment'].includes(name)) continue;
        const foreign = await asS02(method, path, name);
        const none = await asS02(method, pathsOf(missing)[index][1], name);
        expect({ status: foreign.status, message: foreign.body.message.replace(ofS01.id, 'ID') }).toEqual({ status: 404, message: none.body.message.replace(missing, 'ID') });
      }
      expect((await read(ofS01.id)).thread).toHaveLength(1);
      const listed = await list(investigatorS02.client, { study: study.protocolId, limit: 500 });
      expect(listed.data.every((q) => q.site_id === 'S02')).toBe(true);
      expect(listed.data.map((q) => q.id)).toContain(ofS02.id);
      expect(listed.page.total).toBe(listed.data.length);
      expect((await list(investigatorS02.client, { study: study.protocolId, site: 'S01' })).page.total).toBe(0);
      expect((await list(investigatorS02.client, { subject: study.s01.subject })).page.total).toBe(0);
    });

    it('lets an investigator answer and comment on their site\'s queries, not close, re-open, assign or cancel them', async () => {
      const query = await openQuery();
      for (const name of ['close', 'reopen', 'assign', 'cancel'] as const) {
        const refused = await investigatorS01.client.post(`/quality/queries/${query.id}/${name}`).send(BODIES[name]);
        expect({ name, status: refused.status }).toEqual({ name, status: 403 });
      }
      expect((await investigatorS01.client.post('/quality/queries').send({ study: study.protocolId, subject: study.s01.subject, severity: 'minor', message: 'x' })).status).toBe(403);
      await move(investigatorS01.client, query.id, 'answer');
      expect((await read(query.id)).thread.map((m) => m.kind)).toEqual(['opened', 'answer']);
    });

    it('lets a monitor read their sites\' queries, and change nothing (403 on every move)', async () => {
      expect((await read(ofS01.id, monitorS01)).id).toBe(ofS01.id);
      expect((await monitorS01.get(`/quality/queries/${ofS02.id}`)).status).toBe(404);
      const seen = await list(monitorS01, { study: study.protocolId, limit: 500 });
      expect(seen.data.every((q) => q.site_id === 'S01')).toBe(true);
      const before = await read(ofS01.id);
      for (const name of MOVES) {
        const refused = await monitorS01.post(`/quality/queries/${ofS01.id}/${name}`).send(BODIES[name]);
        expect({ name, status: refused.status }).toEqual({ name, status: 403 });
      }
      expect((await monitorS01.post('/quality/queries').send({ study: study.protocolId, subject: study.s01.subject, severity: 'minor', message: 'x' })).status).toBe(403);
      expect(await read(ofS01.id)).toEqual(before);
    });

    it('lets an agent read queries and refuses it every change', async () => {
      expect((await agent.get(`/quality/queries/${ofS01.id}`)).status).toBe(200);
      expect((await agent.post(`/quality/queries/${ofS01.id}/answer`).send(BODIES.answer)).status).toBe(403);
    });
  });

  describe('hostile input', () => {
    let target: Query;

    beforeAll(async () => {
      target = await openQuery();
    });

    it('refuses bad bodies with 400 naming the field, writing nothing', async () => {
      const cases: Array<[Move, unknown, string]> = [
        ['answer', { text: 'fine', extra: true }, 'extra'],
        ['answer', { text: 42 }, 'text'],
        ['answer', { text: null }, 'text'],
        ['answer', { text: '   ' }, 'text'],
        ['answer', { text: 'x'.repeat(4001) }, 'text'],
        ['answer', {}, 'text'],
        ['answer', { text: ['a'] }, 'text'],
        ['comment', { text: { nested: 'object' } }, 'text'],
        ['reopen', {}, 'text'],
        ['cancel', { text: 'a reason under the wrong name' }, 'reason'],
        ['close', { text: 7 }, 'text'],
        ['assign', { site_id: 'S 01' }, 'site_id'],
        ['assign', { user_id: 12 }, 'user_id'],
        ['assign', { user_id: null, username: 'x' }, 'username'],
      ];
      const before = await read(target.id);
      for (const [name, body, field] of cases) {
        const response = await manager.client.post(`/quality/queries/${target.id}/${name}`).send(body as object);
        const fields = (response.body.details ?? []).map((d: { field: string }) => d.field);
        expect({ name, body, status: response.status, hasField: fields.includes(field) }).toEqual({ name, body, status: 400, hasField: true });
      }
      const nul = await manager.client.post(`/quality/queries/${target.id}/answer`).set('Content-Type', 'application/json').send('{"text":"a\\u0000b"}');
      expect(nul.status).toBe(400);
      const broken = await manager.client.post(`/quality/queries/${target.id}/answer`).set('Content-Type', 'application/json').send('{"text": "unterminated');
      expect(broken.status).toBe(400);
      expect(await read(target.id)).toEqual(before);
      expect(await auditOf(target.id)).toHaveLength(1);
    });

    it('takes a text of exactly 4,000 characters once trimmed', async () => {
      const query = await openQuery();
      const text = 'é'.repeat(4000);
      expect((await move(investigatorS01.client, query.id, 'answer', { text: `  ${text}\n` })).thread.at(-1)?.text).toBe(text);
    });

    it('refuses ids that are not UUIDs and bad filters with 400', async () => {
      for (const path of ['/quality/queries/not-a-uuid', "/quality/queries/1' OR '1'='1"]) expect((await admin.get(path)).status).toBe(400);
      expect((await manager.client.post('/quality/queries/12345/answer').send(BODIES.answer)).status).toBe(400);
      for (const query of [
        { status: 'bogus' },
        { status: 'open,bogus' },
        { severity: 'huge' },
        { assignee: 'bob' },
        { min_age_days: -1 },
        { max_age_days: 'ten' },
        { min_age_days: 5, max_age_days: 2 },
        { limit: 0 },
        { limit: 501 },
        { unknown: 'x' },
        { study: "x'; DROP TABLE quality_queries; --" },
      ]) {
        expect({ query, status: (await admin.get('/quality/queries').query(query)).status }).toEqual({ query, status: 400 });
      }
    });

    it('refuses a bad manual query with 400 naming the field, opening nothing', async () => {
      const good = { study: study.protocolId, subject: study.s01.subject, severity: 'major', message: 'Check', field: 'Bad-input-probe' };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...good, severity: 'huge' }, 'severity'],
        [{ ...good, message: '' }, 'message'],
        [{ ...good, message: 'x'.repeat(4001) }, 'message'],
        [{ ...good, vital_sign_id: 'abc' }, 'vital_sign_id'],
        [{ ...good, value: 250 }, 'value'],
        [{ ...good, subject: undefined }, 'subject'],
        [{ ...good, study: 'bad study' }, 'study'],
        [{ ...good, origin: 'run' }, 'origin'],
        [{ ...good, status: 'closed' }, 'status'],
      ];
      for (const [body, field] of cases) {
        const response = await manager.client.post('/quality/queries').send(body);
        const fields = (response.body.details ?? []).map((d: { field: string }) => d.field);
        expect({ field, status: response.status, hasField: fields.includes(field) }).toEqual({ field, status: 400, hasField: true });
      }
      expect((await list(admin, { study: study.protocolId, limit: 500 })).data.filter((q) => q.field === 'Bad-input-probe')).toEqual([]);
    });
  });
});
