import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_ANCHOR_SECRET, TEST_JWT_SECRET } from './platform.js';

/** The compiled platform (npm test builds it first), run as its own process the way users run it. */
const MAIN = new URL('../../dist/apps/api-gateway/src/main.js', import.meta.url).pathname;

export interface PlatformProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Starts `node dist/apps/api-gateway/src/main.js` with only PATH and the given settings in its
 * environment; `via: 'npm'` starts it as `npm run serve` does (what `npm start` runs after building),
 * so that the child is npm, as a supervisor sees it.
 */
export function startPlatformProcess(settings: Record<string, string>, via: 'node' | 'npm' = 'node'): PlatformProcess {
  // On a test database the process is configured as an operator would configure it; the embedded
  // default (no DATABASE_URL) makes its own secrets beside its data, in the test's folder.
  const secrets = settings.DATABASE_URL ? { JWT_SECRET: TEST_JWT_SECRET, AUDIT_ANCHOR_SECRET: TEST_ANCHOR_SECRET } : {};
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', NO_COLOR: '1', ...secrets, ...settings };
  const child =
    via === 'node'
      ? spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['run', '-s', 'serve'], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** The URL the process listens on, once its log says so. */
export async function listening(started: PlatformProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/localhost:\d+)/.exec(started.output());
    if (match) return match[1];
    if (started.child.exitCode !== null || Date.now() > deadline) throw new Error(`platform did not start:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
