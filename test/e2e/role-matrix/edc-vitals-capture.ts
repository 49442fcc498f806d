import { vitalRecord } from '../../support/vitals-fixtures.js';
import { CAPTURERS, type Endpoint } from './endpoint.js';

const HEADER = 'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,SiteID';
const ONE_RECORD = { visit_name: 'Week 4', systolic_bp: 121, diastolic_bp: 79, heart_rate: 70, temperature: 36.7 };

/** Vitals capture beyond store-vitals: one record, CSV import, and the synthetic-data helpers. */
export const EDC_VITALS_CAPTURE_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /edc/patients/:subjectId/vitals',
    allowed: CAPTURERS,
    status: 201,
    call: async (client, known) => {
      const stored = await known.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: known.subject })] });
      if (stored.status !== 201) throw new Error(`storing the subject failed: ${stored.status} ${JSON.stringify(stored.body)}`);
      return client.post(`/edc/patients/${known.subject}/vitals`).send(ONE_RECORD);
    },
    nothingDone: async (platform, attempt) => {
      const read = await platform.admin.get(`/edc/patients/${attempt.subject}/vitals`).expect(200);
      expect(read.body.vitals.map((vital: { visit_name: string }) => vital.visit_name)).toEqual(['Screening']);
    },
  },
  {
    route: 'POST /edc/studies/:protocolId/vitals/import',
    allowed: CAPTURERS,
    status: 201,
    call: (client, known) =>
      client
        .post('/edc/studies/DEFAULT/vitals/import')
        .set('Content-Type', 'text/csv')
        .send(`${HEADER}\n${known.subject},Screening,Active,125,80,72,36.8,S01\n`),
    nothingDone: async (platform, attempt) => {
      await platform.admin.get(`/edc/patients/${attempt.subject}`).expect(404);
    },
  },
  {
    route: 'POST /edc/validate',
    allowed: CAPTURERS,
    status: 200,
    call: (client, known) => client.post('/edc/validate').send({ records: [vitalRecord({ SubjectID: known.subject })] }),
  },
  {
    route: 'POST /edc/repair',
    allowed: CAPTURERS,
    status: 200,
    call: (client, known) => client.post('/edc/repair').send({ records: [vitalRecord({ SubjectID: known.subject, SystolicBP: 250 })] }),
  },
];
