import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import type { SubjectBlock } from '../generators/dataset.js';
import { bulkLoadStream, copyLinesOf } from '../storage/edc-bulk-load.js';

/** Text handed to the COPY at a time: few writes, bounded memory. */
const CHUNK_CHARACTERS = 256 * 1024;

/**
 * Streams the blocks into the bulk-load contract's COPY, waiting whenever the connection is behind
 * (backpressure), so memory stays bounded whatever the dataset's size. When the blocks stop with an
 * error (a cancellation, an abort), the COPY is failed with it and the error is thrown here, once:
 * the server's answer to the failed COPY is awaited, never left to surface on its own.
 */
export async function streamIntoCopy(client: pg.ClientBase, blocks: AsyncIterable<SubjectBlock>): Promise<void> {
  const stream = bulkLoadStream(client);
  const done = finished(stream);
  // Awaited below; until then a refusal by the server must not count as unhandled.
  done.catch(() => undefined);
  let chunk = '';
  try {
    for await (const block of blocks) {
      chunk += copyLinesOf(block);
      if (chunk.length >= CHUNK_CHARACTERS) {
        const ready = stream.write(chunk);
        chunk = '';
        if (!ready) await Promise.race([once(stream, 'drain'), done]);
      }
    }
    if (chunk.length > 0) stream.write(chunk);
    stream.end();
    await done;
  } catch (error) {
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
}
