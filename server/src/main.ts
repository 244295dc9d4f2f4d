// Language server entry (dist/server.js): the VS Code client starts it with --node-ipc; any editor with --stdio.
// The server itself lives in lsp/server.ts so that `kpl lsp --stdio` can bundle it without starting it on import.
import { startServer } from './lsp/server';

startServer();
