// A small, strict argument parser for kpl: known flags only, repeatable flags, `--flag value` and `--flag=value`.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value; `repeat` ones collect every occurrence. */
  values?: Record<string, { repeat?: boolean; choices?: readonly string[] }>;
  booleans?: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string[]>;
  booleans: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const result: ParsedArgs = { values: new Map(), booleans: new Set(), positionals: [] };
  const values = spec.values ?? {};
  const booleans = new Set(['debug', 'help', ...(spec.booleans ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      result.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg === '-h') result.booleans.add('help');
      else result.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (booleans.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      result.booleans.add(name);
      continue;
    }
    const flag = values[name];
    if (flag === undefined) throw new UsageError(`unknown flag --${name}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    if (flag.choices !== undefined && !flag.choices.includes(value))
      throw new UsageError(`--${name} must be one of ${flag.choices.join(', ')} (got "${value}")`);
    const list = result.values.get(name) ?? [];
    if (list.length > 0 && flag.repeat !== true) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    result.values.set(name, list);
  }
  return result;
}

export function single(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}
