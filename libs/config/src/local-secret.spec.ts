import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configuredOrLocalSecret, localSecret } from './local-secret.js';
import { loadPlatformConfig } from './load-platform-config.js';

describe('secrets an installation keeps for itself when none is configured', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ctp-secret-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('uses the configured secret and writes nothing', async () => {
    const config = loadPlatformConfig({}, { EMBEDDED_DB_DIR: folder, JWT_SECRET: 'c'.repeat(40) });
    expect(configuredOrLocalSecret(config, 'JWT_SECRET')).toBe('c'.repeat(40));
    await expect(stat(join(folder, 'secrets'))).rejects.toThrow(/ENOENT/);
  });

  it('makes a random one once, readable by the owner only, and gives the same one on every later start', async () => {
    const config = loadPlatformConfig({}, { EMBEDDED_DB_DIR: folder });
    const first = configuredOrLocalSecret(config, 'JWT_SECRET');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(configuredOrLocalSecret(loadPlatformConfig({}, { EMBEDDED_DB_DIR: folder }), 'JWT_SECRET')).toBe(first);
    expect((await stat(join(folder, 'secrets', 'jwt-secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(folder, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(configuredOrLocalSecret(config, 'AUDIT_ANCHOR_SECRET')).not.toBe(first);
  });

  it('agrees with itself when made many times at once', () => {
    const made = Array.from({ length: 20 }, () => localSecret(join(folder, 'secrets'), 'shared'));
    expect(new Set(made).size).toBe(1);
  });
});
