/**
 * Doyensec's electronegativity over the app's own Electron code (a stage of `npm test`). It reads the TypeScript
 * sources, not out/: in the bundle it cannot find our handlers among the dependencies' code. The main process,
 * the preload, the main-process service modules and the page are copied into a temporary folder (the tool takes
 * one input) and scanned for Electron 45 offline. Fails on any finding above informational that is not waived
 * below with its reason. Usage: tsx build/security-lint.ts
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Checks turned off (by the tool's class name), each with why. */
const EXCLUDED_CHECKS: Record<string, string> = {
  // Flags every preload there is ("review the use of preload scripts"). Ours is reviewed: bundled into one
  // sandboxed file, contextBridge only, one named function per operation (no generic invoke), payloads only.
  PreloadJSCheck: 'reviewed: electron/preload/preload.ts',
};

/** Single findings accepted after review: the check, the file, and why. Anything else fails the stage. */
const WAIVERS: Array<{ id: string; file: string; sample?: string; reason: string }> = [
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'electron/service/console.ts',
    reason:
      'opens only URLs that pass isConsoleUrl (https AWS sign-in hosts), tested in test/main/demo.test.ts',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'electron/main/main.ts',
    reason: 'hands shell.openExternal to openConsole, which guards it with isConsoleUrl',
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'renderer/index.html',
    // Only this exact policy: any change to it is reviewed again.
    sample:
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    reason:
      "the evaluator's 'maybe' note on script-src 'self' (JSONP, uploads): the page is a local file with our one bundled script, no network (connect-src 'none'), no uploads",
  },
];

interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
}

/** What the tool's `run` resolves to (its own shapes, read defensively: the package ships no types). */
interface RawIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  sample: string;
  description: string;
}

// The tool's programmatic entry (its package "main"). Its CLI's `-o report.csv` writes the header and the rows
// with two racing async writes, which garbled the report now and then; the API hands the findings over whole.
const require = createRequire(import.meta.url);
const runElectronegativity = require('@doyensec/electronegativity') as (
  options: Record<string, unknown>,
  forCli: boolean,
) => Promise<{ errors: unknown[]; issues: RawIssue[] }>;

const stage = mkdtempSync(path.join(os.tmpdir(), 'rolebar-electronegativity-'));
try {
  for (const dir of ['electron/main', 'electron/preload', 'electron/service']) {
    cpSync(path.join(root, dir), path.join(stage, dir), { recursive: true });
  }
  mkdirSync(path.join(stage, 'renderer'));
  cpSync(path.join(root, 'renderer/index.html'), path.join(stage, 'renderer/index.html'));
  const result = await runElectronegativity(
    {
      input: stage,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: Object.keys(EXCLUDED_CHECKS).map((check) => check.toLowerCase()),
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: '45.4.1',
      parserPlugins: [],
    },
    false,
  );
  if (result.errors.length > 0) {
    console.error(`electronegativity could not read ${result.errors.length} file(s)`);
    process.exit(1);
  }
  const findings: Finding[] = result.issues.map((issue) => ({
    id: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file,
    location: `${issue.location.line}:${issue.location.column}`,
    sample: issue.sample,
    description: issue.description,
  }));
  const waived = (f: Finding) =>
    WAIVERS.find(
      (w) => w.id === f.id && w.file === f.file && (w.sample === undefined || w.sample === f.sample),
    );
  const failing = findings.filter((f) => f.severity !== 'INFORMATIONAL' && !waived(f));
  for (const f of findings) {
    const waiver = waived(f);
    const tag = f.severity === 'INFORMATIONAL' ? 'info' : waiver ? 'waived' : 'FAIL';
    console.log(
      `${tag.padEnd(6)} ${f.id} ${f.severity}/${f.confidence} ${f.file}:${f.location}${waiver ? ` (${waiver.reason})` : ''}`,
    );
  }
  if (failing.length > 0) {
    console.error(`electronegativity: ${failing.length} finding(s) above informational`);
    process.exit(1);
  }
  console.log(
    `electronegativity: nothing above informational (${findings.length} finding(s) reviewed or waived)`,
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
