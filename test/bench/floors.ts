import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles test/bench/floors/NAME.ts the way the CLI is bundled (ES modules, the SDK from its ES modules) into a
 * temp folder; returns the bundle's path. A floor shows what a step costs with nothing of Rolebar around it.
 */
export async function buildFloor(name: 'keychain-read' | 'sdk-assume'): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'rolebar-floor-')), `${name}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(here, 'floors', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __floorRequire } from 'node:module'; const require = __floorRequire(import.meta.url);",
    },
  });
  return outfile;
}
