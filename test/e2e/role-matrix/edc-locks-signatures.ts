import { newSubjectId, vitalRecord } from '../../support/vitals-fixtures.js';
import type { Client } from '../../support/auth.js';
import { type Endpoint, EVERYONE, type Known, LOCKERS, SIGNERS } from './endpoint.js';

async function storeSubject(known: Known, subject: string): Promise<void> {
  const stored = await known.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] });
  if (stored.status !== 201) throw new Error(`storing ${subject} failed: ${stored.status} ${JSON.stringify(stored.body)}`);
}

/** A signature prints the signer's full name; matrix users are made without one, so the admin gives the caller one first. */
async function giveFullName(client: Client, known: Known): Promise<void> {
  const me = await client.get('/security/auth/me');
  if (me.status !== 200) throw new Error(`reading the caller failed: ${me.status}`);
  const named = await known.admin.patch(`/security/users/${me.body.id}`).send({ full_name: 'Matrix Signer' });
  if (named.status !== 200) throw new Error(`naming the caller failed: ${named.status} ${JSON.stringify(named.body)}`);
}

async function expectEmpty(known: Known, path: 'locks' | 'signatures', subject: string): Promise<void> {
  const listed = await known.admin.get(`/edc/patients/${subject}/${path}`);
  expect(listed.status).toBe(200);
  expect(listed.body[path]).toEqual([]);
}

/** Unlock is answered 200, so it gets the shared subject: it locks a subject of its own instead, named here for `nothingDone`. */
let unlockSubject = '';

export const EDC_LOCKS_SIGNATURES_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /edc/patients/:subjectId/lock',
    allowed: LOCKERS,
    status: 201,
    call: async (c, k) => {
      await storeSubject(k, k.subject);
      return c.post(`/edc/patients/${k.subject}/lock`).send({ reason: 'role matrix' });
    },
    nothingDone: (_platform, attempt) => expectEmpty(attempt, 'locks', attempt.subject),
  },
  {
    route: 'POST /edc/patients/:subjectId/unlock',
    allowed: LOCKERS,
    status: 200,
    call: async (c, k) => {
      unlockSubject = newSubjectId('MXU');
      await storeSubject(k, unlockSubject);
      const locked = await k.admin.post(`/edc/patients/${unlockSubject}/lock`).send({});
      if (locked.status !== 201) throw new Error(`locking ${unlockSubject} failed: ${locked.status}`);
      return c.post(`/edc/patients/${unlockSubject}/unlock`).send({ reason: 'role matrix' });
    },
    nothingDone: async (_platform, attempt) => {
      const listed = await attempt.admin.get(`/edc/patients/${unlockSubject}/locks`);
      expect(listed.body.locks).toEqual([expect.objectContaining({ open: true })]);
    },
  },
  {
    route: 'GET /edc/patients/:subjectId/locks',
    allowed: EVERYONE,
    status: 200,
    call: (c, k) => c.get(`/edc/patients/${k.subject}/locks`),
  },
  {
    route: 'POST /edc/patients/:subjectId/signatures',
    allowed: SIGNERS,
    status: 201,
    call: async (c, k) => {
      await storeSubject(k, k.subject);
      await giveFullName(c, k);
      return c.post(`/edc/patients/${k.subject}/signatures`).send({ password: k.password });
    },
    nothingDone: (_platform, attempt) => expectEmpty(attempt, 'signatures', attempt.subject),
  },
  {
    route: 'GET /edc/patients/:subjectId/signatures',
    allowed: EVERYONE,
    status: 200,
    call: (c, k) => c.get(`/edc/patients/${k.subject}/signatures`),
  },
];
