// Handler isolation: a failing handler logs and answers its empty value; the server keeps serving.
import type { CancellationToken } from 'vscode-languageserver/node';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** safe wraps a request handler: errors (sync or async) are logged with the method name and answered with `empty`. */
export function safe<P, R, E>(
  log: Logger,
  method: string,
  empty: E,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R | E> {
  return async (params, token) => {
    try {
      if (token?.isCancellationRequested === true) return empty;
      return await handler(params, token);
    } catch (error) {
      log.error(`${method} failed: ${describe(error)}`);
      return empty;
    }
  };
}

/** safeNotification wraps a notification handler the same way. */
export function safeNotification<P>(log: Logger, method: string, handler: (params: P) => void | Promise<void>): (params: P) => void {
  return (params) => {
    try {
      const result = handler(params);
      if (result instanceof Promise) result.catch((error: unknown) => log.error(`${method} failed: ${describe(error)}`));
    } catch (error) {
      log.error(`${method} failed: ${describe(error)}`);
    }
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** yieldToEventLoop lets queued messages ($/cancelRequest among them) in during long loops. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
