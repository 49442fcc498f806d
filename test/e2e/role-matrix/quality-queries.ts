import type { PlatformUnderTest } from '../../support/platform.js';
import { newSubjectId, vitalRecord } from '../../support/vitals-fixtures.js';
import { type Endpoint, type Known, QUERY_ANSWERERS, QUERY_MANAGERS, QUERY_READERS } from './endpoint.js';

/** The query each call opened for itself (as the admin), so a refused call can be checked to have changed nothing. */
const queryOf = new WeakMap<Known, { id: string; status: 'open' | 'answered'; messages: number }>();

/** A query of its own on the matrix's subject (a field of its own: never identical to another call's), answered when asked. */
async function ownQuery(known: Known, status: 'open' | 'answered' = 'open'): Promise<string> {
  const opened = await known.admin
    .post('/quality/queries')
    .send({ study: 'DEFAULT', subject: known.subject, field: newSubjectId('MXQ'), severity: 'minor', message: 'Opened for the role matrix' });
  if (opened.status !== 201) throw new Error(`opening a query failed: ${opened.status} ${JSON.stringify(opened.body)}`);
  const id = opened.body.id as string;
  if (status === 'answered') {
    const answered = await known.admin.post(`/quality/queries/${id}/answer`).send({ text: 'Answered for the role matrix' });
    if (answered.status !== 200) throw new Error(`answering a query failed: ${answered.status} ${JSON.stringify(answered.body)}`);
  }
  queryOf.set(known, { id, status, messages: status === 'open' ? 1 : 2 });
  return id;
}

async function queryUnchanged(platform: PlatformUnderTest, known: Known): Promise<void> {
  const { id, status, messages } = queryOf.get(known)!;
  const query = await platform.admin.get(`/quality/queries/${id}`).expect(200);
  expect({ status: query.body.status, messages: query.body.thread.length, assigned: query.body.assigned_user_id }).toEqual({ status, messages, assigned: null });
  const events = await platform.admin.get('/security/audit/events').query({ entityType: 'quality_query', entityId: id }).expect(200);
  expect(events.body.data).toHaveLength(messages);
}

/** A move on a query of its own, from the status the move needs. */
function moveEndpoint(move: string, allowed: Endpoint['allowed'], from: 'open' | 'answered', body: Record<string, unknown>): Endpoint {
  return {
    route: `POST /quality/queries/:id/${move}`,
    allowed,
    status: 200,
    call: async (c, k) => c.post(`/quality/queries/${await ownQuery(k, from)}/${move}`).send(body),
    nothingDone: queryUnchanged,
  };
}

export const QUALITY_QUERIES_ENDPOINTS: readonly Endpoint[] = [
  { route: 'GET /quality/queries', allowed: QUERY_READERS, status: 200, call: (c) => c.get('/quality/queries') },
  { route: 'GET /quality/queries/summary', allowed: QUERY_READERS, status: 200, call: (c) => c.get('/quality/queries/summary?study=DEFAULT') },
  { route: 'GET /quality/queries/:id', allowed: QUERY_READERS, status: 200, call: async (c, k) => c.get(`/quality/queries/${await ownQuery(k)}`) },
  {
    route: 'POST /quality/queries',
    allowed: QUERY_MANAGERS,
    status: 201,
    call: async (c, k) => {
      // A new subject for each call (the matrix gives one to calls answering 201): stored first, then questioned.
      await k.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: k.subject })] }).expect(201);
      return c.post('/quality/queries').send({ study: 'DEFAULT', subject: k.subject, field: 'SystolicBP', value: '125', severity: 'major', message: 'Please confirm' });
    },
    nothingDone: async (platform, attempt) => {
      // Storing the vitals may open queries of its own (soft checks at capture): none may be opened by hand.
      const listed = await platform.admin.get('/quality/queries').query({ study: 'DEFAULT', subject: attempt.subject, limit: 500 }).expect(200);
      expect(listed.body.data.filter((query: { origin: string }) => query.origin === 'manual')).toEqual([]);
    },
  },
  moveEndpoint('answer', QUERY_ANSWERERS, 'open', { text: 'Confirmed against the source' }),
  moveEndpoint('comment', QUERY_ANSWERERS, 'open', { text: 'Checking the source' }),
  {
    route: 'POST /quality/queries/:id/assign',
    allowed: QUERY_MANAGERS,
    status: 200,
    // The assignee must be in the user directory, active, able to answer queries and see the query's site: the admin is.
    call: async (c, k) => {
      const adminId = (await k.admin.get('/security/auth/me').expect(200)).body.id as string;
      return c.post(`/quality/queries/${await ownQuery(k, 'open')}/assign`).send({ user_id: adminId });
    },
    nothingDone: queryUnchanged,
  },
  moveEndpoint('close', QUERY_MANAGERS, 'answered', { text: 'Accepted' }),
  moveEndpoint('reopen', QUERY_MANAGERS, 'answered', { text: 'Not explained yet' }),
  moveEndpoint('cancel', QUERY_MANAGERS, 'open', { reason: 'Opened by mistake' }),
];
