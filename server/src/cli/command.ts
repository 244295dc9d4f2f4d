// The shape of a kpl sub-command; the CLI entry dispatches to these by name.

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code: 0 ok, 1 findings at or above --fail-on, 2 usage or unreadable PATH. */
  run(argv: readonly string[], io: Io): Promise<number>;
}
