import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | null = null;

/** The platform's version (the nearest package.json above this file), as exports name their source system. */
export function softwareVersion(): string {
  if (version !== null) return version;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof manifest.version === 'string') return (version = manifest.version);
    } catch {
      // no package.json here: look one folder up
    }
    const parent = dirname(folder);
    if (parent === folder) return (version = 'unknown');
    folder = parent;
  }
}
