// The packaged app's resources folder, as `npm run dist` lays it out, without Electron's binary: each
// `extraResources` entry of build/electron-builder.yml copied from the built tree, with its filter. Tests run the
// shipped command line from there, as a user who installed only the app does.
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One `extraResources` entry: a file or folder of the tree, where it goes in resources/, and which files. */
interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}

/** The entries of build/electron-builder.yml (js-yaml is what electron-builder itself reads it with). */
export function extraResources(): ExtraResource[] {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  const config = yaml.load(readFileSync(path.join(root, 'build/electron-builder.yml'), 'utf8')) as {
    extraResources?: ExtraResource[];
  };
  return config.extraResources ?? [];
}

/** A glob of the filters used here (`**`, `*`, a leading `!`) as a test of a path relative to `from`. */
function globTest(pattern: string): (relative: string) => boolean {
  const source = pattern
    .split('**/')
    .map((part) =>
      part
        .split('**')
        .map((piece) => piece.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('.*'),
    )
    .join('(?:.*/)?');
  const regex = new RegExp(`^${source}$`);
  return (relative) => regex.test(relative);
}

/** Whether a file passes a filter list: it matches some pattern and no `!` pattern after it. */
function passes(filter: string[] | undefined, relative: string): boolean {
  if (!filter) return true;
  let kept = false;
  for (const pattern of filter) {
    if (pattern.startsWith('!')) {
      if (globTest(pattern.slice(1))(relative)) kept = false;
    } else if (globTest(pattern)(relative)) {
      kept = true;
    }
  }
  return kept;
}

/** Copies every extraResources entry into `resources` (which must not exist yet); returns it. */
export function packagedResources(resources: string): string {
  for (const entry of extraResources()) {
    const from = path.join(root, entry.from);
    if (!existsSync(from)) throw new Error(`extraResources: ${entry.from} does not exist (build first)`);
    cpSync(from, path.join(resources, entry.to), {
      recursive: true,
      filter: (source) =>
        statSync(source).isDirectory() ||
        passes(entry.filter, path.relative(from, source) || path.basename(source)),
    });
  }
  return resources;
}
