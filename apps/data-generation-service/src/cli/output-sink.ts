import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

/** Where the dataset goes: written piece by piece, waiting whenever the destination is behind. */
export interface OutputSink {
  /** For the summary: the file name, or "standard output". */
  readonly name: string;
  write(piece: string): Promise<void>;
  /** Everything written: the file takes its name. */
  complete(): Promise<void>;
  /** The run failed or was stopped: nothing is left behind under the file's name. */
  discard(): Promise<void>;
}

async function writeWithBackpressure(stream: NodeJS.WritableStream, piece: string): Promise<void> {
  if (!stream.write(piece)) await once(stream, 'drain');
}

/**
 * A file written beside its final name and renamed when complete, so that a run that fails or is
 * stopped never leaves half a dataset under the name asked for.
 */
export function fileSink(path: string): OutputSink {
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial);
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    name: path,
    async write(piece) {
      if (failure) throw failure;
      await writeWithBackpressure(stream, piece);
    },
    async complete() {
      stream.end();
      await finished(stream);
      await rename(partial, path);
    },
    async discard() {
      // The file is opened asynchronously: a stream destroyed before its open completes still
      // creates the file, so wait for its close before removing it.
      if (!stream.closed) {
        const closed = once(stream, 'close');
        stream.destroy();
        await closed;
      }
      await rm(partial, { force: true });
    },
  };
}

/** Standard output, left open (it is the process's). */
export function stdoutSink(stdout: NodeJS.WritableStream): OutputSink {
  return {
    name: 'standard output',
    write: (piece) => writeWithBackpressure(stdout, piece),
    complete: async () => undefined,
    discard: async () => undefined,
  };
}
