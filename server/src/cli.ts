// The `kpl` entry point (bundled to dist/kpl.js): wires process IO to the dispatcher in cli/main.ts.
import { main } from './cli/main';
import type { Io } from './cli/command';
import { escapeControls } from './cli/terminal';

// `kpl check ... | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(escapeControls(`kpl: ${error instanceof Error ? error.message : String(error)}\n`));
    process.exitCode = 2;
  },
);
