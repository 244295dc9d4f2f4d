// kpl's dispatcher: runs a sub-command; never prints a stack trace unless --debug is given. Importable by tests.
import { commands } from './commands/index';
import { UsageError } from './args';
import type { Io } from './command';
import { terminalSafe } from './terminal';

const version = process.env.KPL_VERSION ?? '0.0.0';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `kpl ${version} — Kube Priority Lens: who can preempt or evict your pods, and why`,
    '',
    'Usage: kpl <command> [options] PATH...',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `kpl <command> --help` for the options of a command. Add --debug to see stack traces.',
    'Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage error or unreadable PATH.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  // Every command prints through this: no terminal control character from a manifest or a cluster reaches the terminal.
  const io = terminalSafe(rawIo);
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`kpl: unknown command "${name}"\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${command.usage}\n\n${command.summary}.\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kpl ${name}: ${error.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    io.stderr(`kpl ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr(`${error.stack}\n`);
    return 2;
  }
}
