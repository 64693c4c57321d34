// A type-to-filter picker on the terminal (as granted's `assume` opens with no profile): the list on stderr,
// keys from a raw stdin; arrows or Ctrl-N/Ctrl-P move, Enter picks, Esc or Ctrl-C cancels.
import { RolebarError } from '../core/domain/errors.js';

/** One line the user can pick: what it shows and the words the filter looks in. */
export interface PickItem {
  /** The first column and what is picked. */
  label: string;
  /** The other columns (account, profile name): shown dim and searched too. */
  details: string[];
}

/** The items whose label or details hold every word of `query` (case-insensitive), in their order. */
export function filterItems<T extends PickItem>(items: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    const text = [item.label, ...item.details].join(' ').toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** How many lines of items the picker shows at once. */
const VISIBLE = 10;

/**
 * Asks the user to pick one of `items` on the terminal, starting with `query` typed; resolves to the picked item,
 * rejects with a 'cancelled' error on Esc or Ctrl-C. Needs a terminal on stdin.
 */
export function pick<T extends PickItem>(question: string, items: readonly T[], query = ''): Promise<T> {
  const stdin = process.stdin;
  const out = process.stderr;
  const width = Math.max(...items.map((i) => i.label.length), 5) + 2;
  let typed = query;
  let cursor = 0;
  let drawn = 0;
  const draw = (final?: string) => {
    if (drawn > 1) out.write(`\u001b[${drawn - 1}A`);
    out.write('\r\u001b[J');
    if (final !== undefined) {
      out.write(`${question} ${final}\n`);
      return;
    }
    const shown = filterItems(items, typed);
    cursor = Math.min(cursor, Math.max(0, shown.length - 1));
    const start = Math.max(0, cursor - VISIBLE + 1);
    const columns = Math.max(20, (out.columns ?? 80) - 1);
    const lines = shown.slice(start, start + VISIBLE).map((item, i) => {
      const mark = start + i === cursor ? '>' : ' ';
      return `${mark} ${item.label.padEnd(width)}${item.details.join('  ')}`.slice(0, columns);
    });
    if (shown.length === 0) lines.push(`  (nothing matches "${typed}")`);
    const head = `${question} ${typed}`;
    out.write([`  ↑↓ move, Enter picks, Esc cancels`.slice(0, columns), ...lines, head].join('\n'));
    drawn = lines.length + 2;
    return shown;
  };
  return new Promise((resolve, reject) => {
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let shown = draw() ?? [];
    const done = (item: T | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      draw(item ? item.label : '(cancelled)');
      if (item) resolve(item);
      else reject(new RolebarError('cancelled', 'Cancelled.', { hint: 'Nothing was changed.' }));
    };
    // One key at a time: a chunk may hold several (typed fast, or pasted), escape sequences among them.
    const onKey = (key: string): boolean => {
      if (key === '\u001b' || key === '\u0003' || key === '\u0004') {
        done(undefined);
        return false;
      }
      if (key === '\r' || key === '\n') {
        const item = shown[cursor];
        if (item) done(item);
        return item === undefined;
      }
      if (key === '\u001b[A' || key === '\u0010') cursor = Math.max(0, cursor - 1);
      else if (key === '\u001b[B' || key === '\u000e') cursor = Math.min(shown.length - 1, cursor + 1);
      else if (key === '\u007f' || key === '\b') [typed, cursor] = [typed.slice(0, -1), 0];
      else if (key >= ' ' && !key.startsWith('\u001b')) [typed, cursor] = [typed + key, 0];
      shown = draw() ?? [];
      return true;
    };
    const onData = (chunk: string) => {
      // eslint-disable-next-line no-control-regex -- terminal keys are control characters
      for (const key of chunk.match(/\u001b\[[\d;]*[A-Za-z~]|\u001bO[A-Za-z]|[\s\S]/gu) ?? []) {
        if (!onKey(key)) return;
      }
    };
    stdin.on('data', onData);
  });
}
