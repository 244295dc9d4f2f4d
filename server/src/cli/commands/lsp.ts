// `kpl lsp --stdio`: the same language server as dist/server.js, for Neovim, Helix and any other LSP editor.
import type { Command } from '../command';
import { parseArgs, UsageError } from '../args';
import { startServer } from '../../lsp/server';

export const lspCommand: Command = {
  name: 'lsp',
  summary:
    'Run the language server over stdio (for Neovim, Helix and other LSP editors; cluster access only with initializationOptions {"trusted": true})',
  usage: 'kpl lsp --stdio',
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['stdio'] });
    if (!args.booleans.has('stdio')) throw new UsageError('the language server speaks LSP over stdio only: pass --stdio');
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
    const connection = startServer();
    // Runs until the client sends `exit` or closes stdin (the connection then exits the process).
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
