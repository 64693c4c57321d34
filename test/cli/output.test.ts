// The CLI's table: columns as wide as their widest cell, for any number of rows (a 20,000-role catalog and more:
// spreading a column into Math.max's arguments overflowed the stack past ~100,000 rows).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table } from '../../electron/cli/output.js';

describe('the CLI table', () => {
  it('aligns each column to its widest cell', () => {
    assert.equal(
      table(
        ['A', 'BB'],
        [
          ['long', 'x'],
          ['s', 'yyy'],
        ],
      ),
      'A     BB\nlong  x\ns     yyy',
    );
  });

  it('prints 200,000 rows', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`role-${i}`, 'x']);
    const lines = table(['LABEL', 'MFA'], rows).split('\n');
    assert.equal(lines.length, 200_001);
    assert.equal(lines[200_000], 'role-199999  x');
  });
});
