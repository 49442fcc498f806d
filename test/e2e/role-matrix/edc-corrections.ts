import { newSubjectId, vitalRecord } from '../../support/vitals-fixtures.js';
import type { PlatformUnderTest } from '../../support/platform.js';
import { type Endpoint, EVERYONE, type Known, SUBJECT_MANAGERS } from './endpoint.js';

/** The record each call stored for itself, so a refused call can be checked to have changed nothing. */
const vitalOf = new WeakMap<Known, string>();
const adverseEventOf = new WeakMap<Known, string>();

/** A vital sign of a subject of its own, stored by the admin: calls never change each other's records. */
async function storedVital(known: Known): Promise<string> {
  const subject = newSubjectId('MXC');
  const stored = await known.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] });
  if (stored.status !== 201) throw new Error(`storing a vital sign failed: ${stored.status} ${JSON.stringify(stored.body)}`);
  const id = (await known.admin.get(`/edc/patients/${subject}/vitals`)).body.vitals[0].id as string;
  vitalOf.set(known, id);
  return id;
}

async function vitalUnchanged(platform: PlatformUnderTest, known: Known): Promise<void> {
  const id = vitalOf.get(known) as string;
  const row = await platform.database!.admin('SELECT systolic_bp, updated_at, entered_in_error_at FROM vital_signs WHERE id = $1', [id]);
  expect(row.rows).toEqual([{ systolic_bp: 125, updated_at: null, entered_in_error_at: null }]);
  const events = await platform.database!.admin(`SELECT action FROM audit_events WHERE entity_type = 'vital_sign' AND entity_id = $1`, [id]);
  expect(events.rows.map((event) => event.action)).toEqual(['create']);
}

/** An adverse event of a subject of its own, recorded by the admin. */
async function storedAdverseEvent(known: Known): Promise<string> {
  const subject = newSubjectId('MXA');
  await known.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] });
  const created = await known.admin.post(`/edc/patients/${subject}/adverse-events`).send({
    term: 'Nausea',
    body_system: 'Gastrointestinal disorders',
    onset_date: '2026-03-02',
    severity_grade: 1,
    serious: false,
    relationship: 'unlikely_related',
    outcome: 'recovering',
    action_taken: 'none',
  });
  if (created.status !== 201) throw new Error(`recording an adverse event failed: ${created.status} ${JSON.stringify(created.body)}`);
  adverseEventOf.set(known, created.body.id);
  return created.body.id as string;
}

async function adverseEventUnchanged(platform: PlatformUnderTest, known: Known): Promise<void> {
  const id = adverseEventOf.get(known) as string;
  const row = await platform.database!.admin('SELECT severity_grade, updated_at, entered_in_error_at FROM adverse_events WHERE id = $1', [id]);
  expect(row.rows).toEqual([{ severity_grade: 1, updated_at: null, entered_in_error_at: null }]);
  const events = await platform.database!.admin(`SELECT action FROM audit_events WHERE entity_type = 'adverse_event' AND entity_id = $1`, [id]);
  expect(events.rows.map((event) => event.action)).toEqual(['create']);
}

export const EDC_CORRECTIONS_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'PATCH /edc/vitals/:vitalId',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: async (c, k) => c.patch(`/edc/vitals/${await storedVital(k)}`).send({ systolic_bp: 128, reason: 'transcription error' }),
    nothingDone: vitalUnchanged,
  },
  {
    route: 'GET /edc/vitals/:vitalId/history',
    allowed: EVERYONE,
    status: 200,
    call: async (c, k) => c.get(`/edc/vitals/${await storedVital(k)}/history`),
  },
  {
    route: 'POST /edc/vitals/:vitalId/entered-in-error',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: async (c, k) => c.post(`/edc/vitals/${await storedVital(k)}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }),
    nothingDone: vitalUnchanged,
  },
  {
    route: 'PATCH /edc/adverse-events/:adverseEventId',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: async (c, k) => c.patch(`/edc/adverse-events/${await storedAdverseEvent(k)}`).send({ severity_grade: 2, reason: 'grade misread' }),
    nothingDone: adverseEventUnchanged,
  },
  {
    route: 'GET /edc/adverse-events/:adverseEventId/history',
    allowed: EVERYONE,
    status: 200,
    call: async (c, k) => c.get(`/edc/adverse-events/${await storedAdverseEvent(k)}/history`),
  },
  {
    route: 'POST /edc/adverse-events/:adverseEventId/entered-in-error',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: async (c, k) => c.post(`/edc/adverse-events/${await storedAdverseEvent(k)}/entered-in-error`).send({ reason: 'duplicate report' }),
    nothingDone: adverseEventUnchanged,
  },
];
