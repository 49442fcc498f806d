import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/**
 * The platform's version (package.json): recorded with every study report version, and named as
 * the source system of every export. Read once, from the nearest package.json above this file, so
 * the compiled code and the sources agree.
 */
export function softwareVersion(): string {
  if (version !== undefined) return version;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof manifest.version === 'string') return (version = manifest.version);
    } catch {
      // no package.json here: look one folder up
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('no package.json with a version above the platform code');
    folder = parent;
  }
}
