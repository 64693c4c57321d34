// The direction of imports between the rooms of electron/ (written down here, enforced by ESLint): a room may
// import only the rooms listed for it. electron/core/README.md draws the same picture for people.
import path from 'node:path';

/** Each room of the core, and what it may import: lower rooms only, so `ls electron/core` reads bottom-up. */
export const CORE_ROOMS = {
  domain: ['domain'],
  platform: ['domain', 'platform'],
  aws: ['domain', 'platform', 'aws-files', 'aws'],
  'aws-files': ['domain', 'platform', 'aws-files'],
  store: ['domain', 'platform', 'store'],
  sessions: ['domain', 'platform', 'aws', 'aws-files', 'store', 'sessions'],
  features: ['domain', 'platform', 'aws', 'aws-files', 'store', 'sessions', 'features'],
  // core/index.ts, the facade the CLI and the service call, and the files beside it (view.ts, its listing view).
  index: ['domain', 'platform', 'aws', 'aws-files', 'store', 'sessions', 'features', 'index'],
};

/**
 * The one core folder that may import something outside the core, and what: the demo (features/demo) seeds the
 * world of the bundled emulator (its keys, MFA device and roles) for both the app's demo mode and `rolebar demo`.
 * The emulator imports nothing of ours, so this adds no cycle; no other core code may use it (test data in a
 * product feature would be a bug).
 */
export const CORE_REACHES_OUT = { 'features/demo': ['emulator'] };

/** The front ends adapt the core; none reaches into another's rooms (the CLI never imports the app's service). */
export const FRONT_ENDS = {
  cli: ['core', 'cli', 'emulator'],
  service: ['core', 'ipc', 'service', 'emulator'],
  ipc: ['core', 'ipc'],
  main: ['core', 'ipc', 'service', 'main', 'preload'],
  preload: ['ipc', 'preload'],
  // The STS/IAM/Identity Center emulator the demo and the tests run: plain Node, apart from everything else.
  emulator: ['emulator'],
};

/**
 * The room of an absolute path: `core/<room>` inside electron/core (with `folder`, `<room>/<subfolder>`, for
 * CORE_REACHES_OUT), else the top folder of electron/.
 */
function roomOf(file, root) {
  const relative = path.relative(path.join(root, 'electron'), file);
  if (relative.startsWith('..')) return undefined;
  const [top, second, third] = relative.split(path.sep);
  if (top !== 'core') return { front: top };
  const isFile = (name) => name === undefined || name.endsWith('.ts') || name.endsWith('.js');
  const core = isFile(second) ? 'index' : second;
  return { core, folder: isFile(third) ? core : `${core}/${third}` };
}

const rule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Imports follow the direction between the rooms of electron/ (build/eslint-layers.js).',
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = roomOf(file, root);
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = roomOf(path.resolve(path.dirname(file), source), root);
      if (!to) return;
      let allowed;
      let mine;
      let theirs;
      if (from.core) {
        mine = `core/${from.core}`;
        theirs = to.core ? `core/${to.core}` : to.front;
        allowed =
          to.core !== undefined
            ? (CORE_ROOMS[from.core] ?? []).includes(to.core)
            : (CORE_REACHES_OUT[from.folder] ?? []).includes(to.front);
      } else {
        mine = from.front;
        theirs = to.core ? 'core' : to.front;
        const list = FRONT_ENDS[from.front];
        allowed = list === undefined || list.includes(theirs);
      }
      if (!allowed)
        context.report({
          node,
          message: `${mine} may not import ${theirs} (${source}): see the room directions in build/eslint-layers.js.`,
        });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { direction: rule } };
