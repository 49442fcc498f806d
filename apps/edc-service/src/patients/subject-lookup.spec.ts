import { type Client, createUser } from '../../../../test/support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../../../../test/support/platform.js';
import { newSubjectId, vitalRecord } from '../../../../test/support/vitals-fixtures.js';

/**
 * Looking a subject up by number (`GET /edc/patients/:subjectId` and its `/vitals`) counts only the
 * subjects the user may see: another site's subject with the same number is never counted, named,
 * nor told apart from a missing one.
 */
describe('a subject number used in two protocols at two sites', () => {
  let platform: PlatformUnderTest;
  const users: Record<'s01' | 's02' | 's03' | 'both' | 'all', Client> = {} as Record<'s01' | 's02' | 's03' | 'both' | 'all', Client>;
  const shared = newSubjectId('D');
  const missing = newSubjectId('M');
  const routes = (subject: string) => [`/edc/patients/${subject}`, `/edc/patients/${subject}/vitals`];

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
    const sites = { s01: ['S01'], s02: ['S02'], s03: ['S03'], both: ['S01', 'S02'], all: undefined };
    for (const [key, site_ids] of Object.entries(sites) as Array<[keyof typeof users, string[] | undefined]>) {
      users[key] = (await createUser(platform.baseUrl, platform.admin, { username: `reader.${key}`, roles: ['investigator'], site_ids })).client;
    }
    await platform.admin
      .post('/edc/store-vitals')
      .send({
        records: [
          vitalRecord({ SubjectID: shared, SiteID: 'S01', ProtocolID: 'P-ONE' }),
          vitalRecord({ SubjectID: shared, SiteID: 'S02', ProtocolID: 'P-TWO', TreatmentArm: 'Placebo' }),
        ],
      })
      .expect(201);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('an unlimited user is asked which protocol (409 naming both)', async () => {
    for (const route of routes(shared)) {
      const response = await users.all.get(route);
      expect({ route, status: response.status }).toEqual({ route, status: 409 });
      expect(response.body.message).toContain('P-ONE, P-TWO');
    }
  });

  it('a user of one of the sites gets the subject of their site, read after read (the cache is shared)', async () => {
    for (const [user, protocol] of [['s01', 'P-ONE'], ['s02', 'P-TWO'], ['s01', 'P-ONE']] as const) {
      for (const route of routes(shared)) {
        const response = await users[user].get(route);
        expect({ user, route, status: response.status, protocol: response.body.protocol_id }).toEqual({ user, route, status: 200, protocol });
      }
    }
  });

  it('a user of neither site gets the 404 of a missing subject, naming no protocol', async () => {
    for (const [route, missingRoute] of routes(shared).map((route, i) => [route, routes(missing)[i]])) {
      const response = await users.s03.get(route);
      const absent = await users.s03.get(missingRoute);
      expect({ route, status: response.status, message: response.body.message.replace(shared, '?') }).toEqual({
        route,
        status: 404,
        message: absent.body.message.replace(missing, '?'),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/P-ONE|P-TWO/);
    }
  });

  it("naming the other site's protocol answers 404 too", async () => {
    for (const route of routes(shared)) {
      expect((await users.s01.get(route).query({ protocolId: 'P-TWO' })).status).toBe(404);
      expect((await users.s01.get(route).query({ protocolId: 'P-ONE' })).body.protocol_id).toBe('P-ONE');
    }
  });

  it('a user of both sites is asked which protocol, like an unlimited one', async () => {
    for (const route of routes(shared)) {
      const response = await users.both.get(route);
      expect({ route, status: response.status, message: response.body.message }).toMatchObject({ route, status: 409, message: expect.stringContaining('P-ONE, P-TWO') });
    }
  });
});
