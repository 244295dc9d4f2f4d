// The kpl command table, in the order `kpl --help` lists them.
import type { Command } from '../command';
import { checkCommand } from './check';
import { explainCommand } from './explain';

export const commands: readonly Command[] = [checkCommand, explainCommand];
