import { spawn, spawnSync } from 'node:child_process';

/** The median of `runs` wall times of `command args`, in milliseconds. */
export function medianWallMs(
  command: string,
  args: string[],
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(command, args, { env, stdio: 'ignore' });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  }
  return median(times);
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Prints one figure as an aligned line. */
export function report(label: string, value: number, unit = 'ms', note = ''): void {
  console.log(`${label.padEnd(52)} ${value.toFixed(2).padStart(9)} ${unit}${note ? `  ${note}` : ''}`);
}

/** One command to time. */
export interface Timed {
  label: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The exit code it must end with (default 0): a bench may time a failure that must be quick. */
  exitCode?: number;
}

/**
 * Median wall times of several commands, run interleaved (one of each per round), so a machine whose load
 * changes during the run slows them all alike and their ratios stay comparable.
 */
export function interleavedMedians(commands: Timed[], rounds: number): number[] {
  const times = commands.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    commands.forEach((c, i) => {
      const started = performance.now();
      const result = spawnSync(c.command, c.args, { env: c.env ?? process.env, stdio: 'ignore' });
      times[i]?.push(performance.now() - started);
      if (result.status !== (c.exitCode ?? 0)) throw new Error(`${c.label} exited with ${result.status}`);
    });
  }
  return times.map(median);
}

/** Runs `node CLI ARGS` with `input` on stdin (stdout ignored, stderr shown): a bench's set-up step. */
export function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(input);
  });
}
