// The `kpl` entry point (bundled to dist/kpl.js): wires process IO to the dispatcher in cli/main.ts.
import { main } from './cli/main';
import type { Io } from './cli/command';

const io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`kpl: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
