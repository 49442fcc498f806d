import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { asUser, createUser, login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { deleteKeys, type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { serversFromEnv } from '../support/servers.js';
import { uniqueCachePrefix } from '../support/test-database.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { waitUntil } from '../support/wait.js';

/** A TCP relay to Redis that can be cut: a network partition between one process and a Redis others still reach. */
async function startRelay(target: string): Promise<{ url: string; cut(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port || 6379), hostname);
    const end = () => {
      for (const socket of [client, upstream]) {
        socket.destroy();
        sockets.delete(socket);
      }
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', end).on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

const FAST_REPLAY = { CACHE_INVALIDATION_REPLAY_MS: '100' };

describe('two instances on one database and one Redis, one of which loses Redis', () => {
  const prefix = uniqueCachePrefix();
  let relay: Awaited<ReturnType<typeof startRelay>>;
  /** Reaches Redis through the relay, which the tests cut. */
  let partitioned: PlatformUnderTest;
  /** Reaches Redis directly throughout. */
  let other: PlatformUnderTest;

  const outboxRows = async (): Promise<number> =>
    (await partitioned.database!.admin('SELECT count(*)::int AS n FROM cache_invalidations')).rows[0].n as number;

  beforeAll(async () => {
    relay = await startRelay(serversFromEnv().redisUrl);
    partitioned = await startPlatform('all-in-one', { REDIS_URL: relay.url, CACHE_KEY_PREFIX: prefix, ...FAST_REPLAY });
    const database = partitioned.database!;
    other = await startPlatform('all-in-one', { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, CACHE_KEY_PREFIX: prefix, ...FAST_REPLAY });
  });
  afterAll(async () => {
    await other?.close();
    await partitioned?.close();
    await relay?.cut();
    await deleteKeys(serversFromEnv().redisUrl, prefix);
  });

  it('never serves vitals older than a store acknowledged by the instance that could not reach Redis, once its recorded invalidation is applied', async () => {
    const subject = newSubjectId('CC');
    await partitioned.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    // Cached in the shared Redis by the other instance.
    for (let read = 0; read < 2; read += 1) {
      expect((await other.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals).toHaveLength(1);
    }

    await relay.cut();
    await partitioned.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, VisitName: 'Week 1' })] }).expect(201);
    // The instance that stored reads its own write at once, without Redis.
    expect((await partitioned.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals).toHaveLength(2);

    // The invalidation was committed with the records; the other instance applies it to Redis.
    await waitUntil(async () => (await outboxRows()) === 0, 10_000);
    for (let read = 0; read < 5; read += 1) {
      expect((await other.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals).toHaveLength(2);
    }
  });

  it('refuses a session signed out on the instance that cannot reach Redis, on every instance, once the invalidation is applied', async () => {
    const session = await login(other.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
    const onOther = asUser(other.baseUrl, session.accessToken);
    await onOther.get('/security/auth/me').expect(200);
    await onOther.get('/security/auth/me').expect(200);

    await asUser(partitioned.baseUrl, session.accessToken).post('/security/auth/logout').expect(204);
    await waitUntil(async () => (await outboxRows()) === 0, 10_000);
    await onOther.get('/security/auth/me').expect(401);
  });

  it('refuses a user deactivated on the instance that cannot reach Redis, on every instance, once the invalidation is applied', async () => {
    const user = await createUser(other.baseUrl, other.admin, { username: `cc.${newSubjectId('u').toLowerCase()}`, roles: ['statistician'] });
    await user.client.get('/security/auth/me').expect(200);
    await user.client.get('/security/auth/me').expect(200);

    await partitioned.admin.post(`/security/users/${user.id}/deactivate`).expect(200);
    await waitUntil(async () => (await outboxRows()) === 0, 10_000);
    await user.client.get('/security/auth/me').expect(401);
  });
});

describe('two installations on two databases sharing one Redis and one key prefix', () => {
  const prefix = uniqueCachePrefix();
  let first: PlatformUnderTest;
  let second: PlatformUnderTest;

  beforeAll(async () => {
    first = await startPlatform('all-in-one', { CACHE_KEY_PREFIX: prefix });
    second = await startPlatform('all-in-one', { CACHE_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await deleteKeys(serversFromEnv().redisUrl, prefix);
  });

  it('have different installation ids, made with their schemas', async () => {
    const id = async (platform: PlatformUnderTest) => (await platform.database!.admin('SELECT id FROM installation')).rows[0].id as string;
    expect(await id(first)).not.toBe(await id(second));
  });

  it('never see each other’s cached vitals, for the same subject number', async () => {
    const subject = newSubjectId('RA001');
    await first.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, TreatmentArm: 'Active' })] }).expect(201);
    for (let read = 0; read < 2; read += 1) {
      expect((await first.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.treatment_arm).toBe('Active');
    }

    await second.admin.get(`/edc/patients/${subject}/vitals`).expect(404);

    await second.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, TreatmentArm: 'Placebo', HeartRate: 90 })] }).expect(201);
    for (let read = 0; read < 2; read += 1) {
      const fromSecond = (await second.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body;
      expect(fromSecond).toMatchObject({ treatment_arm: 'Placebo', vitals: [expect.objectContaining({ heart_rate: 90 })] });
      const fromFirst = (await first.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body;
      expect(fromFirst).toMatchObject({ treatment_arm: 'Active', vitals: [expect.objectContaining({ heart_rate: 72 })] });
    }
  });
});
