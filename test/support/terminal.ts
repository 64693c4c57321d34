// Runs a program on a pseudo-terminal (python3's pty module), as a user at a terminal would: it waits for each
// expected output, then types the keys. The transcript (what the terminal showed) and the exit code come back.
import { spawn } from 'node:child_process';

/**
 * One step of a conversation: wait until the output since the last keys were typed (escape sequences and carriage
 * returns removed) matches, then type.
 */
export interface TerminalStep {
  expect: RegExp;
  send: string;
}

/** What the terminal showed, escape sequences removed, and how the program ended. */
export interface TerminalRun {
  transcript: string;
  code: number;
}

// A deadline per step only stops a hung program from hanging the suite; nothing here measures time.
const DRIVER = String.raw`
import json, os, pty, re, select, sys, time, fcntl, termios, struct
spec = json.loads(sys.stdin.read())
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec['cwd'])
    os.execvpe(spec['argv'][0], spec['argv'], spec['env'])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out = b''
def read(deadline):
    global out
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
    if not r: return False
    try: chunk = os.read(fd, 65536)
    except OSError: return None
    if not chunk: return None
    out += chunk
    return True
def plain(data):
    return re.sub(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r', '', data.decode('utf8', 'replace'))
mark = 0
for step in spec['steps']:
    deadline = time.time() + 120
    pattern = re.compile(step['expect'])
    while not pattern.search(plain(out[mark:])):
        got = read(deadline)
        if got is None or time.time() > deadline:
            sys.stdout.write(json.dumps({'transcript': out.decode('utf8', 'replace'), 'code': -1, 'missing': step['expect']}))
            os.kill(pid, 9); os.waitpid(pid, 0); sys.exit(0)
    mark = len(out)
    os.write(fd, step['send'].encode('utf8'))
deadline = time.time() + 120
while time.time() < deadline and read(deadline) is not None: pass
_, status = os.waitpid(pid, 0)
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
sys.stdout.write(json.dumps({'transcript': out.decode('utf8', 'replace'), 'code': code}))
`;

/** Runs `argv` on a terminal 120 columns wide, typing `steps`; resolves when the program has ended. */
export function runInTerminal(
  argv: string[],
  env: NodeJS.ProcessEnv,
  steps: TerminalStep[],
  cwd = process.cwd(),
): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const run = JSON.parse(stdout) as TerminalRun & { missing?: string };
        // eslint-disable-next-line no-control-regex
        const transcript = run.transcript.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[=>]|\r/g, '');
        if (run.missing !== undefined) {
          reject(new Error(`the terminal never showed /${run.missing}/; it showed:\n${transcript}`));
        } else resolve({ transcript, code: run.code });
      } catch {
        reject(new Error(`the terminal driver failed: ${stderr}`));
      }
    });
    const steps_ = steps.map((s) => ({ expect: s.expect.source, send: s.send }));
    child.stdin.end(JSON.stringify({ argv, env, steps: steps_, cwd }));
  });
}
