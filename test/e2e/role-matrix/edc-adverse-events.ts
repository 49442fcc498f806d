import { vitalRecord } from '../../support/vitals-fixtures.js';
import { CAPTURERS, type Endpoint, EVERYONE, type Known } from './endpoint.js';
import { adverseEvent } from '../../support/adverse-event-fixtures.js';

const HEADACHE = adverseEvent();

/** An event of the known subject, recorded by the admin, for the reads to find. */
async function recordedEvent(known: Known): Promise<string> {
  const created = await known.admin.post(`/edc/patients/${known.subject}/adverse-events`).send(HEADACHE).expect(201);
  return created.body.id as string;
}

export const EDC_ADVERSE_EVENTS_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /edc/patients/:subjectId/adverse-events',
    allowed: CAPTURERS,
    status: 201,
    call: async (c, k) => {
      // A subject of its own (the known subject is new for calls answering 201).
      await k.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: k.subject })] }).expect(201);
      return c.post(`/edc/patients/${k.subject}/adverse-events`).send(HEADACHE);
    },
    nothingDone: async (platform, attempt) => {
      const listed = await platform.admin.get(`/edc/patients/${attempt.subject}/adverse-events`).expect(200);
      if (listed.body.adverse_events.length !== 0) throw new Error(`a refused call recorded an adverse event of ${attempt.subject}`);
    },
  },
  {
    route: 'GET /edc/patients/:subjectId/adverse-events',
    allowed: EVERYONE,
    status: 200,
    call: (c, k) => c.get(`/edc/patients/${k.subject}/adverse-events`),
  },
  {
    route: 'GET /edc/adverse-events/:adverseEventId',
    allowed: EVERYONE,
    status: 200,
    call: async (c, k) => c.get(`/edc/adverse-events/${await recordedEvent(k)}`),
  },
];
