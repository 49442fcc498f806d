import { randomBytes } from 'node:crypto';
import type { PlatformUnderTest } from '../../support/platform.js';
import { type Endpoint, EVERYONE, type Known, STUDY_MANAGERS } from './endpoint.js';

/** Each call that changes a study gets one of its own, made by the admin; kept here for `nothingDone`. */
const studyOf = new WeakMap<Known, string>();

async function ownStudy(known: Known): Promise<string> {
  const protocolId = `MXS-${randomBytes(4).toString('hex')}`;
  const created = await known.admin.post('/edc/studies').send({
    protocol_id: protocolId,
    title: 'Role matrix study',
    sites: [{ site_id: 'S01', name: 'Matrix site' }],
    arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }],
    schedule: [{ visit_name: 'Day 1', planned_day: 1 }],
    // Multiples of both 2 (1:1) and 4 (the 1:1:2 arms PUT below), which the default [4, 6] is not.
    randomization: { block_sizes: [4, 8] },
  });
  if (created.status !== 201) throw new Error(`creating study ${protocolId} failed: ${created.status} ${JSON.stringify(created.body)}`);
  studyOf.set(known, protocolId);
  return protocolId;
}

/** The study as it was made by `ownStudy`: a refused call changed nothing of it. */
async function unchanged(platform: PlatformUnderTest, attempt: Known): Promise<void> {
  const study = await platform.admin.get(`/edc/studies/${studyOf.get(attempt)}`).expect(200);
  expect(study.body).toMatchObject({
    title: 'Role matrix study',
    sites: [{ site_id: 'S01', name: 'Matrix site', active: true }],
    arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }],
    schedule: [{ visit_name: 'Day 1' }],
  });
  expect(study.body.sites).toHaveLength(1);
  expect(study.body.arms).toHaveLength(2);
  expect(study.body.schedule).toHaveLength(1);
}

export const EDC_STUDIES_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /edc/studies',
    allowed: STUDY_MANAGERS,
    status: 201,
    call: (c, k) => c.post('/edc/studies').send({ protocol_id: k.subject, title: 'Matrix study' }),
    nothingDone: async (platform, attempt) => {
      await platform.admin.get(`/edc/studies/${attempt.subject}`).expect(404);
    },
  },
  { route: 'GET /edc/studies', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/studies') },
  { route: 'GET /edc/studies/:protocolId', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/studies/DEFAULT') },
  {
    route: 'PATCH /edc/studies/:protocolId',
    allowed: STUDY_MANAGERS,
    status: 200,
    call: async (c, k) => c.patch(`/edc/studies/${await ownStudy(k)}`).send({ title: 'Renamed by the matrix', reason: 'role matrix' }),
    nothingDone: unchanged,
  },
  { route: 'GET /edc/studies/:protocolId/sites', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/studies/DEFAULT/sites') },
  {
    route: 'POST /edc/studies/:protocolId/sites',
    allowed: STUDY_MANAGERS,
    status: 201,
    call: async (c, k) => c.post(`/edc/studies/${await ownStudy(k)}/sites`).send({ site_id: 'S02', name: 'Second site' }),
    nothingDone: unchanged,
  },
  {
    route: 'PATCH /edc/studies/:protocolId/sites/:siteId',
    allowed: STUDY_MANAGERS,
    status: 200,
    call: async (c, k) => c.patch(`/edc/studies/${await ownStudy(k)}/sites/S01`).send({ active: false, reason: 'role matrix' }),
    nothingDone: unchanged,
  },
  { route: 'GET /edc/studies/:protocolId/arms', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/studies/DEFAULT/arms') },
  {
    route: 'PUT /edc/studies/:protocolId/arms',
    allowed: STUDY_MANAGERS,
    status: 200,
    call: async (c, k) => c.put(`/edc/studies/${await ownStudy(k)}/arms`).send({ arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }, { arm_code: 'Low', allocation_ratio: 2 }] }),
    nothingDone: unchanged,
  },
  { route: 'GET /edc/studies/:protocolId/schedule', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/studies/DEFAULT/schedule') },
  {
    route: 'PUT /edc/studies/:protocolId/schedule',
    allowed: STUDY_MANAGERS,
    status: 200,
    call: async (c, k) => c.put(`/edc/studies/${await ownStudy(k)}/schedule`).send({ schedule: [{ visit_name: 'Day 1', planned_day: 1 }, { visit_name: 'Week 2', planned_day: 14 }] }),
    nothingDone: unchanged,
  },
];
