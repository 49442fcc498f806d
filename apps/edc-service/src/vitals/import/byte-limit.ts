import { PayloadTooLargeException } from '@nestjs/common';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through until more than `maxBytes` have passed, then fails with 413. */
export function byteLimit(maxBytes: number, refusal: () => string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) done(new PayloadTooLargeException(refusal()));
      else done(null, chunk);
    },
  });
}
