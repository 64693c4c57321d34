// The `rolebar` command line. Kept to plain Node and lazy imports so that it starts fast.
import { createRequire } from 'node:module';

const usage = `Usage: rolebar <command> [options]

Commands:
  version          print Rolebar's version
  help             show this help

Run 'rolebar <command> --help' for a command's options.`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === 'version' || command === '--version') {
    if (rest.length > 0) return usageError(`'version' takes no arguments`);
    console.log(readVersion());
    return 0;
  }
  return usageError(`unknown command '${command}'`);
}

function usageError(message: string): number {
  console.error(`rolebar: ${message}. Run 'rolebar help'.`);
  return 2;
}

function readVersion(): string {
  // The bundle lives in out/cli/, two levels below package.json.
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

process.exitCode = await main(process.argv.slice(2));
