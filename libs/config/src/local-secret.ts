import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PlatformConfig } from './platform-config.js';

/**
 * A random secret kept in a file of its own (mode 0600) in `folder`, made on first use: what a
 * single-machine installation uses where an operator has not configured one, so that restarts and
 * the other processes on the machine see the same value. Two processes making it at once agree:
 * the secret is written in full to a file of the writer's own, then linked into place, which
 * succeeds for one of them only; the other reads the winner's.
 */
export function localSecret(folder: string, name: string, bytes = 32): string {
  const file = join(folder, name);
  try {
    return readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Only the secrets' own folder is private: its parents may need to stay reachable (the embedded
  // PostgreSQL runs as another OS user under root and reads its data beside this folder).
  mkdirSync(dirname(folder), { recursive: true });
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(bytes).toString('base64url')}\n`, { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return readSecret(file);
}

function readSecret(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new Error(`${file} is empty: remove it to have a new secret made`);
  return secret;
}

/** Secrets that an installation on one machine may leave to `localSecret` outside production. */
export type LocalSecretName = 'JWT_SECRET' | 'AUDIT_ANCHOR_SECRET';

/** The configured secret, or (outside production, where it is required) one kept in EMBEDDED_DB_DIR/secrets. */
export function configuredOrLocalSecret(config: PlatformConfig, name: LocalSecretName): string {
  return config[name] ?? localSecret(join(resolve(config.EMBEDDED_DB_DIR), 'secrets'), name.toLowerCase().replace(/_/g, '-'));
}
