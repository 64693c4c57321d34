/**
 * Bundles every entry point with esbuild into out/:
 * - out/main/main.js        Electron main process (ESM; electron and keytar stay external)
 * - out/preload/preload.cjs the preload, one CommonJS file so that it runs in a sandboxed renderer
 * - out/cli/rolebar.mjs     the `rolebar` command line, with its commands and the AWS SDK in chunks beside it
 *                           (out/cli/chunk-*.mjs), each loaded when a command needs it
 * - out/cli/credential-process.mjs  the small entry credential_process lines run: a cached answer without
 *                           loading the full CLI (which it imports when the cache cannot answer)
 * - out/keychain-helper.mjs the child process keytar runs in (CLI and core)
 * - out/renderer/           the page: index.html, renderer.js, styles.css
 * Usage: tsx build/build.ts [--watch] [--minify]
 */
import { chmod, cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const minify = process.argv.includes('--minify');

/** Native modules and Electron itself are loaded at run time, never bundled. */
const nodeExternals = ['electron', 'keytar'];

/**
 * conf imports ajv and ajv-formats as it loads (~500 KB of code to compile on every `rolebar` call) but uses them
 * only when given a `schema`, and Rolebar never gives one (settings.ts checks the schema itself). In the CLI a
 * stub stands in for them, which throws should conf ever ask it for a validator.
 */
const confWithoutAjv: esbuild.Plugin = {
  name: 'conf-without-ajv',
  setup(build) {
    build.onResolve({ filter: /^ajv(-formats)?(\/|$)/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}conf${path.sep}`)
        ? { path: path.join(root, 'build/stubs/conf-ajv.ts') }
        : undefined,
    );
  },
};

/**
 * `node:process` is the global `process` (build/stubs/process.ts): imported as an ES module, Node's own builds a
 * facade that reads every property, `process.stdin` included, which sets up standard input on every call.
 */
const processGlobal: esbuild.Plugin = {
  name: 'process-global',
  setup(build) {
    // Imports only: a require('process') would get the stub's exports object, not `process`.
    build.onResolve({ filter: /^(node:)?process$/ }, (args) =>
      args.kind === 'import-statement' ? { path: path.join(root, 'build/stubs/process.ts') } : undefined,
    );
  },
};

/** conf's semver is loaded on its first call (build/stubs/semver-lazy.ts): only a settings migration calls it. */
const lazySemver: esbuild.Plugin = {
  name: 'lazy-semver',
  setup(build) {
    build.onResolve({ filter: /^semver$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}conf${path.sep}`)
        ? { path: path.join(root, 'build/stubs/semver-lazy.ts') }
        : undefined,
    );
  },
};

const common: esbuild.BuildOptions = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  minify,
  legalComments: 'none',
};

const builds: esbuild.BuildOptions[] = [
  {
    ...common,
    entryPoints: [path.join(root, 'electron/main/main.ts')],
    outfile: path.join(out, 'main/main.js'),
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: nodeExternals,
    // Bundled CommonJS dependencies call require(); give ESM output a real one.
    banner: {
      js: "import { createRequire as __rolebarRequire } from 'node:module'; const require = __rolebarRequire(import.meta.url);",
    },
  },
  {
    ...common,
    entryPoints: [path.join(root, 'electron/preload/preload.ts')],
    outfile: path.join(out, 'preload/preload.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
  },
  {
    ...common,
    // Split: each command group (import()ed by rolebar.ts when it runs) and the AWS SDK clients become chunks
    // beside rolebar.mjs, so a command parses only its own code. The SDK is bundled from its ES modules
    // ("module" first), which lets esbuild drop what we never call, such as client-sts's aggregated `STS` class
    // that builds every command at load; from node_modules it cost a cold assume twice as long to load.
    // Chunks sit in out/cli/ itself: code that finds files from import.meta.url sees the same folder.
    entryPoints: { rolebar: path.join(root, 'electron/cli/rolebar.ts') },
    outdir: path.join(out, 'cli'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: nodeExternals,
    plugins: [confWithoutAjv, processGlobal, lazySemver],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __rolebarRequire } from 'node:module'; const require = __rolebarRequire(import.meta.url);",
    },
  },
  {
    // Only the cache lookups: settings, the profile or the keychain (keytar in process, loaded only for
    // --identity); rules and printed JSON shared with the full CLI.
    ...common,
    entryPoints: [path.join(root, 'electron/cli/credential-process-entry.ts')],
    outfile: path.join(out, 'cli/credential-process.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Kept out, so an import of any of these shows in the output (test/cli/credential-process-entry.test.ts).
    external: [...nodeExternals, '@aws-sdk/*', '@smithy/*', 'conf', 'ajv', 'electron-store'],
  },
  {
    // keytar runs in this helper process, killable when a keychain call hangs (see keychain-runner.ts).
    ...common,
    entryPoints: [path.join(root, 'electron/core/platform/keychain/helper.ts')],
    outfile: path.join(out, 'keychain-helper.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: nodeExternals,
  },
  {
    ...common,
    entryPoints: [path.join(root, 'renderer/src/renderer.ts')],
    outfile: path.join(out, 'renderer/renderer.js'),
    platform: 'browser',
    // Always minified (with its source map): the window loads it on every open; 20 KB gzipped instead of 26.7.
    minify: true,
    // A classic script: module scripts are refused on file:// pages, which is how Electron loads ours.
    format: 'iife',
    target: 'chrome120',
  },
];

/** Builds everything once; returns the output folder. */
export async function buildAll(): Promise<string> {
  await rm(out, { recursive: true, force: true });
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // The `rolebar` bin runs through its shebang once npm links it.
  await chmod(path.join(out, 'cli/rolebar.mjs'), 0o755);
  await mkdir(path.join(out, 'renderer'), { recursive: true });
  await cp(path.join(root, 'renderer/index.html'), path.join(out, 'renderer/index.html'));
  await cp(path.join(root, 'renderer/styles.css'), path.join(out, 'renderer/styles.css'));
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildAll();
  console.log(`built out/ in ${Math.round(performance.now() - started)} ms`);
}
