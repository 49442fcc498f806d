import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

const CONFIG = new URL('../.dependency-cruiser.mjs', import.meta.url).pathname;

/** A throwaway tree shaped like this repository, each file importing the given paths. */
async function treeWith(files: Record<string, string[]>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ctp-import-rules-'));
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } }));
  for (const [file, imports] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    const lines = imports.map((target, n) => `import * as m${n} from '${target}';\nexport const use${n} = m${n};`);
    await writeFile(join(root, file), `${lines.join('\n')}\nexport const here = 1;\n`);
  }
  return root;
}

async function violationsIn(root: string, folders: string[]): Promise<string[]> {
  const { default: config } = (await import(CONFIG)) as { default: IConfiguration };
  const previous = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(folders, { ruleSet: config, ...config.options, validate: true });
    return (result.output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
  } finally {
    process.chdir(previous);
  }
}

describe('import rules (.dependency-cruiser.mjs, run by npm test)', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('let the shapes the platform uses pass: the gateway composes services, libs import lower libs through their index', async () => {
    root = await treeWith({
      'libs/config/src/index.ts': [],
      'libs/request-context/src/index.ts': [],
      'libs/audit/src/index.ts': ['../../config/src/index.js', '../../request-context/src/index.js', './audit-event.js'],
      'libs/audit/src/audit-event.ts': [],
      'libs/platform/src/index.ts': ['../../audit/src/index.js'],
      'apps/edc-service/src/edc.module.ts': ['../../../libs/platform/src/index.js'],
      'apps/api-gateway/src/services.ts': ['../../edc-service/src/edc.module.js'],
      'test/support/platform.ts': ['../../apps/api-gateway/src/services.js', '../../libs/platform/src/index.js'],
    });
    expect(await violationsIn(root, ['apps', 'libs', 'test'])).toEqual([]);
  });

  it('refuse a lib importing an app, a service importing another, a reach into a lib, and a lib importing a higher one', async () => {
    root = await treeWith({
      'libs/config/src/index.ts': [],
      'libs/database/src/index.ts': [],
      'libs/database/src/pool.ts': [],
      'libs/platform/src/index.ts': ['../../audit/src/index.js'],
      'libs/audit/src/index.ts': ['../../platform/src/index.js', '../../database/src/pool.js'],
      'libs/auth/src/index.ts': ['../../../apps/security-service/src/users.js'],
      'apps/security-service/src/users.ts': [],
      'apps/edc-service/src/vitals.ts': ['../../security-service/src/users.js', '../../../libs/database/src/pool.js'],
    });
    expect(await violationsIn(root, ['apps', 'libs'])).toEqual([
      'lib-layers-audit: libs/audit/src/index.ts -> libs/platform/src/index.ts',
      'lib-through-its-index-from-outside: apps/edc-service/src/vitals.ts -> libs/database/src/pool.ts',
      'lib-through-its-index: libs/audit/src/index.ts -> libs/database/src/pool.ts',
      'libs-not-to-apps: libs/auth/src/index.ts -> apps/security-service/src/users.ts',
      'no-circular: libs/audit/src/index.ts -> libs/platform/src/index.ts',
      'no-service-to-service: apps/edc-service/src/vitals.ts -> apps/security-service/src/users.ts',
    ]);
  });
});
