// dependency-cruiser (`npm run lint:deps`): the layering of the repository as rules.
//   ledger/            pure domain logic: imports only ledger/ and npm packages (no Node built-ins)
//   services/node/  →  services/api/  →  services/indexer/  →  services/shared/   (each may use ledger/)
//   cli/               ledger/, services/shared/, services/indexer/index.ts; never api, node or indexer internals
//   web/               never services/ or cli/ (the browser bundle talks to the API over HTTP)
//   test/              imported by no production module
// Type-only imports count (tsPreCompilationDeps): a layer that names another's types depends on it.

/** Production code: everything that ships or runs outside the test suite. scripts/bench/ is measurement. */
const PRODUCTION = "^(ledger|services|cli|scripts|web/src|ignition)/|^hardhat\\.config\\.ts$";
const INDEXER_ENTRY = "^services/indexer/index\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles anywhere (type-only imports included).",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "Every import resolves to a file or package; also the guard that the `.js` → `.ts` mapping works, " +
        "since an unresolved import would slip past every other rule.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "ledger-is-pure",
      severity: "error",
      comment:
        "ledger/ is pure domain logic: it imports ledger/ itself and npm packages only, no application layer.",
      from: { path: "^ledger/" },
      to: { pathNot: ["^ledger/", "(^|/)node_modules/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "ledger-no-node-builtins",
      severity: "error",
      comment: "ledger/ uses no Node built-in (node:fs, node:crypto, ...): it stays I/O-free and bundles for the browser.",
      from: { path: "^ledger/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "shared-is-the-bottom-service-layer",
      severity: "error",
      comment: "services/shared/ is below every other service: it imports none of them.",
      from: { path: "^services/shared/" },
      to: { path: "^services/(indexer|api|node)/" },
    },
    {
      name: "indexer-not-to-api-or-node",
      severity: "error",
      comment: "services/indexer/ sits below services/api/ and services/node/.",
      from: { path: "^services/indexer/" },
      to: { path: "^services/(api|node)/" },
    },
    {
      name: "api-not-to-node",
      severity: "error",
      comment: "services/api/ sits below services/node/.",
      from: { path: "^services/api/" },
      to: { path: "^services/node/" },
    },
    {
      name: "api-to-indexer-only-via-entry",
      severity: "error",
      comment: "services/api/ uses the indexer only through its public entry services/indexer/index.ts.",
      from: { path: "^services/api/" },
      to: { path: "^services/indexer/", pathNot: INDEXER_ENTRY },
    },
    {
      name: "cli-not-to-api-or-node",
      severity: "error",
      comment: "cli/ is a client: it uses ledger/ and services/shared/, never the API server or the node.",
      from: { path: "^cli/" },
      to: { path: "^services/(api|node)/" },
    },
    {
      name: "cli-not-to-indexer-internals",
      severity: "error",
      comment: "cli/ may use the indexer only through its public entry services/indexer/index.ts.",
      from: { path: "^cli/" },
      to: { path: "^services/indexer/", pathNot: INDEXER_ENTRY },
    },
    {
      name: "web-not-to-services-or-cli",
      severity: "error",
      comment:
        "The browser bundle (web/) imports neither services/ nor cli/; one exception: the types of the API's zod schemas (services/api/schemas.ts), the contract the pages are typed from.",
      from: { path: "^web/" },
      to: { path: "^(services|cli)/", pathNot: "^services/api/schemas\\.ts$" },
    },
    {
      name: "web-schema-types-only",
      severity: "error",
      comment: "web/ takes only types from the API's schemas: no server code in the bundle.",
      from: { path: "^web/" },
      to: { path: "^services/api/schemas\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "production-not-to-test",
      severity: "error",
      comment:
        "Production code (ledger, services, cli, scripts, web, ignition) never imports test/; the benchmarks and the gas snapshot (which writes what test/gas measures) are tooling over the tests.",
      from: { path: PRODUCTION, pathNot: ["^scripts/bench/", "^scripts/gas-snapshot\\.ts$"] },
      to: { path: "^test/" },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A production module that nothing imports and that imports nothing is dead or misplaced.",
      from: {
        orphan: true,
        path: PRODUCTION,
        // scripts/bench/serve.ts is spawned by path (`hardhat run`) and imports only hardhat.
        pathNot: ["^scripts/bench/", "\\.d\\.ts$", "(^|/)vite\\.config\\.ts$"],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: ["(^|/)node_modules/", "^types/"] },
    // Build output, caches and the web bundle are not source.
    exclude: { path: ["(^|/)node_modules/", "^artifacts/", "^cache/", "^web/dist/", "^cli/dist/", "^test-artifacts/", "^coverage/"] },
    // Count `import type` and type-only re-exports: layering is about names as much as about runtime.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // ESM sources write `./x.js` for `./x.ts` (module node16). dependency-cruiser 18 has no
    // `extensionAlias` option (its schema rejects it): when `./x.js` does not exist it falls back to
    // ./x.ts, ./x.tsx, ./x.d.ts itself, as tsc does. `not-to-unresolvable` above proves it on every run.
    enhancedResolveOptions: {
      extensions: [".ts", ".js", ".mts", ".mjs", ".cts", ".cjs", ".d.ts", ".json"],
      conditionNames: ["import", "require", "node", "default", "types"],
      exportsFields: ["exports"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
