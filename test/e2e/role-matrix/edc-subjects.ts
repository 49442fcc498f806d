import { newSubjectId } from '../../support/vitals-fixtures.js';
import type { Client } from '../../support/auth.js';
import type { PlatformUnderTest } from '../../support/platform.js';
import { type Endpoint, type Known, SUBJECT_MANAGERS } from './endpoint.js';

const ENROLMENT = { site_id: 'S01', consent_date: '2026-01-05', demographics: { sex: 'F', age: 50 } };

/** The subject each call made for itself (calls on one subject by every role would run into its status). */
const madeFor = new WeakMap<Known, string>();

/** A subject of the default study, enrolled by the admin for this call: screened, or enrolled at once. */
async function subjectFor(known: Known, enrol: boolean): Promise<string> {
  const subjectId = newSubjectId('MXS');
  const response = await known.admin.post('/edc/studies/DEFAULT/subjects').send({ ...ENROLMENT, subject_id: subjectId, enrol });
  if (response.status !== 201) throw new Error(`enrolling ${subjectId} failed: ${response.status} ${JSON.stringify(response.body)}`);
  madeFor.set(known, subjectId);
  return subjectId;
}

const subjectOf = async (platform: PlatformUnderTest, attempt: Known) =>
  (await platform.admin.get(`/edc/patients/${madeFor.get(attempt)}`).expect(200)).body as Record<string, unknown>;

const onFreshSubject = (enrol: boolean, act: (client: Client, subjectId: string) => ReturnType<Client['post']>) =>
  async (client: Client, known: Known) => act(client, await subjectFor(known, enrol));

export const EDC_SUBJECTS_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /edc/studies/:protocolId/subjects',
    allowed: SUBJECT_MANAGERS,
    status: 201,
    call: (c, k) => c.post('/edc/studies/DEFAULT/subjects').send({ ...ENROLMENT, subject_id: k.subject }),
    nothingDone: async (platform, attempt) => {
      await platform.admin.get(`/edc/patients/${attempt.subject}`).expect(404);
    },
  },
  {
    route: 'POST /edc/patients/:subjectId/status',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: onFreshSubject(false, (c, subjectId) => c.post(`/edc/patients/${subjectId}/status`).send({ status: 'enrolled' })),
    nothingDone: async (platform, attempt) => {
      expect(await subjectOf(platform, attempt)).toMatchObject({ status: 'screened', enrollment_date: null });
    },
  },
  {
    route: 'PATCH /edc/patients/:subjectId',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: onFreshSubject(false, (c, subjectId) => c.patch(`/edc/patients/${subjectId}`).send({ reason: 'age misread from the form', demographics: { age: 51 } })),
    nothingDone: async (platform, attempt) => {
      expect(await subjectOf(platform, attempt)).toMatchObject({ demographics: { age: 50 } });
    },
  },
  {
    route: 'POST /edc/patients/:subjectId/randomize',
    allowed: SUBJECT_MANAGERS,
    status: 200,
    call: onFreshSubject(true, (c, subjectId) => c.post(`/edc/patients/${subjectId}/randomize`)),
    nothingDone: async (platform, attempt) => {
      expect(await subjectOf(platform, attempt)).toMatchObject({ status: 'enrolled', treatment_arm: null, randomized_by_platform: false });
    },
  },
];
