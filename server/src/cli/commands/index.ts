// The kpl command table, in the order `kpl --help` lists them.
import type { Command } from '../command';
import { checkCommand } from './check';
import { diagnoseCommand } from './diagnose';
import { explainCommand } from './explain';
import { simulateCommand } from './simulate';
import { evictCommand } from './evict';
import { lspCommand } from './lsp';

export const commands: readonly Command[] = [checkCommand, explainCommand, simulateCommand, evictCommand, diagnoseCommand, lspCommand];
