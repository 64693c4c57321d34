/*
 * Median time of one profile write (read, edit, temp write, fsync, rename) into credentials files of
 * 100, 1,000 and 10,000 profiles. Prints figures only; never fails on speed.
 * Run: node --import tsx test/bench/profile-write.bench.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeProfile } from '../../electron/core/aws-files/index.js';

const SIZES = [100, 1_000, 10_000];
const RUNS = 41;

function fileWith(profiles: number): string {
  const out: string[] = [];
  for (let i = 0; i < profiles; i++) {
    out.push(
      `[profile-${i}]`,
      `aws_access_key_id = ASIABENCH${String(i).padStart(11, '0')}`,
      `aws_secret_access_key = ${'s'.repeat(40)}`,
      `aws_session_token = ${'t'.repeat(400)}`,
      `x_security_token_expires = 2030-01-01T00:00:00.000Z`,
      `manager = rolebar`,
      '',
    );
  }
  return out.join('\n');
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'rolebar-bench-'));
try {
  const medians: number[] = [];
  for (const size of SIZES) {
    const home = path.join(dir, String(size));
    const credentials = path.join(home, '.aws', 'credentials');
    await mkdir(path.dirname(credentials), { recursive: true, mode: 0o700 });
    await writeFile(credentials, fileWith(size), { mode: 0o600 });
    const where = {
      homedir: home,
      env: { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: path.join(home, '.aws', 'config') },
    };
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Rewrite a profile in the middle of the file: a full read, edit and atomic write each time.
      const session = {
        name: `profile-${Math.floor(size / 2)}`,
        accessKeyId: `ASIABENCH${String(run).padStart(11, '0')}`,
        secretAccessKey: 's'.repeat(40),
        sessionToken: 't'.repeat(400),
        expiration: new Date(Date.now() + 3_600_000),
        principalArn: 'arn:aws:sts::123456789012:assumed-role/Bench/run',
      };
      const start = performance.now();
      await writeProfile(session, where);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    medians.push(median);
    const bytes = Buffer.byteLength(fileWith(size));
    console.log(
      `${String(size).padStart(6)} profiles (${(bytes / 1024).toFixed(0).padStart(5)} KiB): median ${median.toFixed(2)} ms over ${RUNS} writes`,
    );
  }
  const [small, medium, large] = medians;
  if (small && medium && large) {
    console.log(
      `ratio 1,000/100: ${(medium / small).toFixed(1)}x, 10,000/1,000: ${(large / medium).toFixed(1)}x (linear would be ≤ 10x)`,
    );
    console.log(`budget: median at 1,000 profiles ${medium.toFixed(2)} ms ${medium < 5 ? '<' : '≥'} 5 ms`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
