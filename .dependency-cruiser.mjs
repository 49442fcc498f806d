// The architecture's import rules, checked by `npm test` (`npm run check:imports`) after type-checking.

/** Libraries from the bottom up: each may import only those before it, so no two libs depend on each other. */
const LIB_LAYERS = ['edit-checks', 'config', 'request-context', 'database', 'jobs', 'auth', 'audit', 'platform'];

const layerRules = LIB_LAYERS.map((lib, index) => ({
  name: `lib-layers-${lib}`,
  comment: `libs/${lib} may import only the libs below it (${LIB_LAYERS.slice(0, index).join(', ') || 'none'}); the order is LIB_LAYERS in .dependency-cruiser.mjs`,
  severity: 'error',
  from: { path: `^libs/${lib}/` },
  to: { path: '^libs/', pathNot: [`^libs/(${LIB_LAYERS.slice(0, index + 1).join('|')})/`] },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'libs-not-to-apps',
      comment: 'Shared code in libs/ must not depend on a service in apps/: move what both need into a lib',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-service-to-service',
      comment:
        "A service never imports another service's code: use its HTTP API or a port in libs/ (see libs/auth/src/session-directory.ts). Only the gateway composes the services.",
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/api-gateway/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-through-its-index',
      comment: "Another lib is used through its src/index.ts only, never by reaching into its files",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'lib-through-its-index-from-outside',
      comment:
        'Apps, migrations and tests use a lib through its src/index.ts only. The test runner may load the embedded server alone: it runs before anything else and must not load Nest.',
      severity: 'error',
      from: { pathNot: ['^libs/', '^test/run-tests\\.ts$'] },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be understood or loaded one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
