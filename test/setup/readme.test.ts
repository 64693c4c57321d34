// The README is for users, so it stays short and true: under 300 lines, the one apt line is the list `npm test`
// checks (as root, or with sudo: a container has no sudo), every file it links exists, and every `rolebar`
// command in its examples is a command the built CLI knows, with options that command takes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, explain, runProgram } from '../cli/helpers.js';
import { INSTALL_COMMAND } from '../support/prerequisites.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The lines of the README's shell examples (```sh blocks). */
function exampleLines(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => block.split('\n')).filter((line) => line.trim() !== '');
}

/** Each `rolebar …` call in an example line: its words, up to a comment, a pipe or the end of a `$(…)`. */
function rolebarCalls(line: string): string[][] {
  const code = line.replace(/\s#\s.*$/, '');
  return [...code.matchAll(/(?:^|\$\(|;\s*|\|\s*)rolebar\s+([^|;)]*)/g)].map((match) =>
    (match[1] ?? '').split(/\s+/).filter(Boolean),
  );
}

describe('the README', () => {
  it('is under 300 lines', () => {
    assert.ok(readme.split('\n').length < 300, `README.md has ${readme.split('\n').length} lines`);
  });

  it('puts the system packages first: the apt line npm test checks, for root or sudo, before npm install', () => {
    assert.ok(readme.includes(`\n${INSTALL_COMMAND}\n`), 'the apt line, alone on its line');
    assert.ok(readme.includes('as root, or with sudo'));
    assert.ok(!readme.includes('sudo apt-get'), 'a container has no sudo: the line must not start with it');
    assert.ok(readme.indexOf(INSTALL_COMMAND) < readme.indexOf('npm install && npm start'));
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((match) => match[1] ?? '');
    assert.ok(links.length > 5);
    for (const link of links.filter((target) => !/^https?:/.test(target)))
      assert.ok(existsSync(path.join(root, link)), `README links to ${link}, which does not exist`);
  });

  it('links to sections that exist', () => {
    const anchors = new Set(
      [...readme.matchAll(/^#+ (.*)$/gm)].map((match) =>
        (match[1] ?? '')
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .replace(/\s/g, '-'),
      ),
    );
    for (const match of readme.matchAll(/\]\(#([^)]+)\)/g))
      assert.ok(anchors.has(match[1] ?? ''), `README links to #${match[1]}, which is no heading`);
  });

  it('shows only rolebar commands and options that the CLI knows', async () => {
    const sandbox = makeSandbox('readme');
    try {
      const calls = exampleLines(readme).flatMap(rolebarCalls);
      assert.ok(calls.length > 20, `found ${calls.length} rolebar calls`);
      const helps = new Map<string, string>();
      const help = async (words: string[]) => {
        const key = words.join(' ');
        const known = helps.get(key);
        if (known !== undefined) return known;
        const run = await runProgram(process.execPath, [CLI, ...words, '--help'], sandbox.env);
        assert.equal(run.code, 0, `rolebar ${key} --help: ${explain(run)}`);
        helps.set(key, run.stdout);
        return run.stdout;
      };
      for (const words of calls) {
        const [command = '', sub = ''] = words;
        const top = await help([command]);
        // A command with subcommands ("Usage: rolebar identity <command>") is checked with its subcommand.
        const text = top.startsWith(`Usage: rolebar ${command} <command>`) ? await help([command, sub]) : top;
        const own = words.slice(0, words.includes('--') ? words.indexOf('--') : undefined);
        for (const option of own.filter((word) => /^--\w/.test(word))) {
          const name = option.split('=')[0] ?? option;
          assert.match(text, new RegExp(`${name}(?![\\w-])`), `rolebar ${words.join(' ')}: no ${name}`);
        }
      }
    } finally {
      sandbox.cleanup();
    }
  });
});
