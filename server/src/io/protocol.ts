// The messages between the CLI's main thread and its parse workers (parse-pool.ts, parse-worker.ts).
import type { PackedFile } from '../core/index';

export interface ParseWorkerData {
  /** Files larger than this are not read (`--max-file-size`). */
  maxBytes: number;
}

/** A batch of files to read and parse, answered by one reply in the same order. */
export type ParseRequest = ParseFileRequest[];

export interface ParseFileRequest {
  /** The file's place in the walk: results are added to the analysis in this order, whatever thread parsed them. */
  index: number;
  /** The path as shown (and as findings name it). */
  path: string;
  absolute: string;
}

/** What a worker made of one file: the three outcomes of the serial loop in cli/load.ts. */
export type WorkerOutcome =
  { kind: 'unreadable'; reason: string } | { kind: 'too-large'; size: number } | { kind: 'parsed'; packed: PackedFile };

/** A worker's first message says it is running (a worker that dies before it failed to start, not on a file). */
export type ParseReply = { ready: true } | Array<{ index: number; outcome: WorkerOutcome }>;
