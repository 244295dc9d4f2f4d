// Everything kpl prints goes through here: text from manifests and clusters (names, messages, event notes, file
// names) must not drive the terminal. A C0 or C1 control character (and DEL) could clear the screen (ESC [2J), write
// the clipboard (OSC 52), move the cursor to forge a line, ring the bell, or start an escape sequence with the 8-bit
// CSI 0x9b. Each is printed visibly as `\uXXXX` instead: tab and line feed stay. The same spelling is a JSON string
// escape, so JSON and SARIF output keep their meaning (JSON.stringify escapes C0 but leaves C1 and DEL raw).
import type { Io } from './command';

/** C0 controls except tab (0x09) and line feed (0x0a), DEL, and C1 controls. */
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControls(text: string): string {
  return text.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An Io whose stdout and stderr print no control character other than tab and line feed. */
export function terminalSafe(io: Io): Io {
  return { stdout: (t) => io.stdout(escapeControls(t)), stderr: (t) => io.stderr(escapeControls(t)) };
}
