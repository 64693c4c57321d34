// Reading secrets and MFA codes: a hidden prompt on a terminal, stdin otherwise. Never from argv.
import { RolebarError } from '../core/domain/errors.js';

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') {
          return done(new RolebarError('cancelled', 'Cancelled.', { hint: 'Nothing was changed.' }));
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads one line from the terminal, echoed as it is typed (for what is not a secret, like an MFA code). */
export async function promptLine(question: string): Promise<string> {
  const readline = await import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads all of stdin (a pipe or a file) and drops the final line break. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The secret access key: hidden prompt on a terminal, else stdin. Refuses an empty one. */
export async function readSecret(interactive: boolean): Promise<string> {
  const secret = (interactive ? await promptHidden('Secret access key: ') : await readStdin()).trim();
  if (!secret) {
    throw new RolebarError('invalid-input', 'No secret access key was given.', {
      hint: interactive
        ? 'Paste it at the prompt.'
        : 'Pipe it on stdin, e.g. `pass show aws/alice | rolebar identity add …`.',
    });
  }
  return secret;
}

/** The keychain file's passphrase, hidden; asked twice (and compared) when it makes a new file. */
export async function askKeychainPassphrase(question: { file: string; creating: boolean }): Promise<string> {
  if (!question.creating) return promptHidden(`Passphrase of the Rolebar keychain file ${question.file}: `);
  process.stderr.write(`rolebar: a new keychain file ${question.file} will hold your secrets, encrypted.\n`);
  const first = await promptHidden('Choose its passphrase: ');
  const second = await promptHidden('The same passphrase again: ');
  if (first !== second) {
    throw new RolebarError('invalid-input', 'The two passphrases differ.', {
      hint: 'Nothing was changed. Try again.',
    });
  }
  return first;
}
