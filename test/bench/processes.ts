import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A Node process the bench started; its output is echoed with a tag and kept for the report. */
export interface NodeChild {
  name: string;
  process: ChildProcess;
  /** The first lines it printed (the platform runs at LOG_LEVEL=warn, so each is a warning or error). */
  firstLines: string[];
  lineCount(): number;
  recentOutput: string[];
  exited(): boolean;
  stop(): Promise<void>;
}

const RECENT_LINES = 40;
/** Beyond this, a flood of identical warnings would bury the figures: count them instead. */
const KEPT_LINES = 50;
const STOP_GRACE_MS = 20_000;

export function startNode(name: string, script: URL, env: NodeJS.ProcessEnv, cwd: URL): NodeChild {
  const child = spawn(process.execPath, [fileURLToPath(script)], {
    cwd: fileURLToPath(cwd),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const firstLines: string[] = [];
  const recentOutput: string[] = [];
  let lines = 0;
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines += 1;
      recentOutput.push(line);
      if (recentOutput.length > RECENT_LINES) recentOutput.shift();
      if (lines > KEPT_LINES) return;
      console.log(`  [${name}] ${line}`);
      if (lines === KEPT_LINES) console.log(`  [${name}] (further output not shown; counted in the results)`);
      // Nest colours its level names; the results file wants plain text.
      firstLines.push(line.replace(/\u001b\[[0-9;]*m/g, ''));
    });
  }
  return {
    name,
    process: child,
    firstLines,
    lineCount: () => lines,
    recentOutput,
    exited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls until the URL answers 200; fails at once if the process dies, since it will never answer. */
export async function waitForHealth(child: NodeChild, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited()) {
      throw new Error(`${child.name} exited before it was ready:\n${child.recentOutput.join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer 200 on ${url} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
