// The parse worker (bundled to dist/kpl-parse-worker.js): reads the files the main thread sends, one at a time into
// one reused buffer, parses each with the core's parseFile and answers with the result packed as plain data (see
// core/model/packed.ts). It keeps nothing between files but the buffer. server/src/io/parse-pool.ts runs it.
import { parentPort, workerData } from 'node:worker_threads';
import { packParsedFile, parseFile } from '../core/index';
import { FileReader, isTooLarge } from '../workspace/read';
import { describeError } from '../workspace/walk';
import type { ParseFileRequest, ParseReply, ParseRequest, ParseWorkerData, WorkerOutcome } from './protocol';

function readAndParse(reader: FileReader, request: ParseFileRequest): WorkerOutcome {
  let content;
  try {
    content = reader.read(request.absolute);
  } catch (error) {
    return { kind: 'unreadable', reason: describeError(error) };
  }
  if (isTooLarge(content)) return { kind: 'too-large', size: content.size };
  return { kind: 'parsed', packed: packParsedFile(parseFile({ path: request.path, content })) };
}

const port = parentPort;
if (port !== null) {
  const reader = new FileReader((workerData as ParseWorkerData).maxBytes);
  port.postMessage({ ready: true } satisfies ParseReply);
  port.on('message', (request: ParseRequest) => {
    const reply = request.map((file) => ({ index: file.index, outcome: readAndParse(reader, file) }));
    // The node streams' buffers move to the main thread instead of being copied.
    const transfer: ArrayBuffer[] = [];
    for (const { outcome } of reply)
      if (outcome.kind === 'parsed' && outcome.packed.nodes.buffer instanceof ArrayBuffer) transfer.push(outcome.packed.nodes.buffer);
    port.postMessage(reply satisfies ParseReply, transfer);
  });
}
