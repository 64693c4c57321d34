import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright';
import {
  type EventChannel,
  type EventPayloads,
  type RequestChannel,
  type RequestHandlers,
  requestArgs,
} from '../../electron/ipc/contract.js';
import { CHROMIUM_ARGS, chromiumPath } from './prerequisites.js';
import { serveFolder } from './static-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What the page's `window.rolebar` calls reach: one function per channel, as in the main process. */
export type Handlers = RequestHandlers;

/** A running renderer: Debian's Chromium showing out/renderer, wired to `handlers` like the real preload. */
export interface RendererSession {
  browser: Browser;
  page: Page;
  /** Pushes an event to the page, as the main process does with webContents.send. */
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): Promise<void>;
  close(): Promise<void>;
}

let preloadScript: Promise<string> | undefined;

/** Bundles test/support/browser-preload.ts once per process. */
function browserPreload(): Promise<string> {
  preloadScript ??= esbuild
    .build({
      entryPoints: [path.join(root, 'test/support/browser-preload.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      logLevel: 'silent',
    })
    .then((result) => result.outputFiles[0]?.text ?? '');
  return preloadScript;
}

/** Starts Debian's Chromium as the tests run it. */
export function launchChromium(headless = true): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless });
}

/**
 * Opens the built renderer (run `npm run build` first; `npm test` does) in Chromium with `handlers` behind it:
 * in a browser of its own, or in a fresh context of `options.browser` (as private as a new browser, without
 * the start-up), which close() then leaves running.
 */
export async function openRenderer(
  handlers: Handlers,
  options: {
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
    /** False opens a visible window (`npm run preview`); tests keep the default. */
    headless?: boolean;
    browser?: Browser;
  } = {},
): Promise<RendererSession> {
  const server = await serveFolder(path.join(root, 'out/renderer'));
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const owned = options.browser === undefined;
  // Everything opened so far closes again, also when opening failed half-way.
  const close = async () => {
    try {
      await (owned ? browser?.close() : context?.close());
    } finally {
      await server.close();
    }
  };
  try {
    browser = options.browser ?? (await launchChromium(options.headless ?? true));
    context = await browser.newContext({
      colorScheme: options.colorScheme ?? 'light',
      viewport: options.viewport ?? { width: 420, height: 600 },
      // No transitions: axe and screenshots then see each state as it settles, never a toast half faded in.
      reducedMotion: 'reduce',
    });
    // Same checks as the main process: a known channel, arguments of the right shape.
    await context.exposeBinding('__rolebarInvoke', async (_source, channel: unknown, args: unknown) => {
      if (typeof channel !== 'string' || !(channel in requestArgs) || !Array.isArray(args)) {
        throw new Error('refused: unknown channel or malformed arguments');
      }
      const name = channel as RequestChannel;
      const valid = requestArgs[name](args) as unknown as never[];
      return (handlers[name] as (...a: never[]) => unknown)(...valid);
    });
    await context.addInitScript({ content: await browserPreload() });
    const page = await context.newPage();
    await page.goto(server.url);
    return {
      browser,
      page,
      emit: async (channel, payload) => {
        await page.evaluate(([c, p]) => window.__rolebarEmit(c, p), [channel, payload] as const);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
