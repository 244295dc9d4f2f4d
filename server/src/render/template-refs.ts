// Finds which `.Values` entries a template action reads: `.Values.a.b` directly or through `default`, `quote`,
// `coalesce`, `toYaml`; `index .Values "a" "b"`; `.` and `.x` inside `{{ with .Values.a }}`. Scans by hand (the
// template is the repository's text): no regular expression, linear in the action's length.
import type { TemplateLine } from './template-lines';

/** A path into the values: keys, and indexes of list items. */
export type ValuePath = Array<string | number>;

/** What dot is at a point of the template: the root context, a values path (`with .Values.a`), or unknown (`range`). */
type Dot = 'root' | ValuePath | undefined;

export interface ActionRefs {
  /** The values paths the action reads, in the order they appear. */
  refs: ValuePath[];
  /** The action renders a block (`toYaml`): the rest of a key path continues inside the value. */
  toYaml: boolean;
  /** `include "name"` / `template "name"`: a named template whose text the action inserts. */
  include: string | undefined;
}

const builtinRoots = new Set(['Release', 'Chart', 'Capabilities', 'Template', 'Files', 'Subcharts']);

function isIdent(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_');
}

/** readFields: `.a.b.c` from `i` (at a dot) on; returns the names and where they end. */
function readFields(s: string, i: number): { names: string[]; end: number } {
  const names: string[] = [];
  let j = i;
  while (s[j] === '.' && isIdent(s[j + 1])) {
    let k = j + 1;
    while (isIdent(s[k])) k++;
    names.push(s.slice(j + 1, k));
    j = k;
  }
  return { names, end: j };
}

/** readString: a Go template string literal starting at `i` (`"..."`), or undefined. */
function readString(s: string, i: number): { value: string; end: number } | undefined {
  if (s[i] !== '"') return undefined;
  let value = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') {
      value += s[j + 1] ?? '';
      j++;
    } else if (c === '"') return { value, end: j + 1 };
    else value += c;
  }
  return undefined;
}

function skipSpaces(s: string, i: number): number {
  while (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r') i++;
  return i;
}

/** Template variables (`$pcn := coalesce .Values.a .Values.b`) and the values paths they were assigned from. */
export type Variables = Map<string, ValuePath[]>;

/** refsOf reads the values paths of one action body, with dot bound as given and the variables assigned so far. */
export function refsOf(body: string, dot: Dot, vars?: Variables): ActionRefs {
  const result: ActionRefs = { refs: [], toYaml: false, include: undefined };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      i = (readString(body, i)?.end ?? body.length) - 1;
      continue;
    }
    const prev = body[i - 1];
    if (c === '$' && isIdent(body[i + 1]) && vars !== undefined) {
      let k = i + 1;
      while (isIdent(body[k])) k++;
      const assigned = vars.get(body.slice(i + 1, k));
      const fields = readFields(body, k);
      if (assigned !== undefined && fields.names.length === 0) result.refs.push(...assigned.map((r) => [...r]));
      else if (assigned?.length === 1 && assigned[0] !== undefined) result.refs.push([...assigned[0], ...fields.names]);
      i = fields.end - 1;
      continue;
    }
    if (isIdent(c) && !isIdent(prev) && prev !== '.' && prev !== '$') {
      let k = i;
      while (isIdent(body[k])) k++;
      const word = body.slice(i, k);
      if (word === 'toYaml' || word === 'toJson' || word === 'toPrettyJson') result.toYaml = true;
      if ((word === 'include' || word === 'template') && result.include === undefined) {
        const name = readString(body, skipSpaces(body, k));
        if (name !== undefined) result.include = name.value;
      }
      if (word === 'index') {
        const at = skipSpaces(body, k);
        const start = body.startsWith('$.', at) ? at + 1 : at;
        const fields = readFields(body, start);
        if (fields.names[0] === 'Values') {
          const path: ValuePath = fields.names.slice(1);
          let j = skipSpaces(body, fields.end);
          for (let arg = readString(body, j); arg !== undefined; arg = readString(body, j)) {
            path.push(arg.value);
            j = skipSpaces(body, arg.end);
          }
          result.refs.push(path);
          i = j - 1;
          continue;
        }
      }
      i = k - 1;
      continue;
    }
    if (c !== '.' || isIdent(prev) || prev === ')' || prev === ']' || prev === '"') continue;
    if (prev === '$' && isIdent(body[i - 2])) continue; // `$var.field`: a variable, not dot
    const fields = readFields(body, i);
    if (fields.names.length === 0) {
      // A bare `.`: the value dot is bound to.
      if (Array.isArray(dot) && (body[i + 1] === undefined || !isIdent(body[i + 1]))) result.refs.push([...dot]);
      continue;
    }
    const [first, ...rest] = fields.names;
    if (first === 'Values') {
      // `.Values` (or `$.Values`): the root's values. Inside `with` only `$.Values` is the root, but a template that
      // writes `.Values` there would fail to render, so what renders means the root.
      result.refs.push(rest);
    } else if (Array.isArray(dot) && prev !== '$' && first !== undefined && !builtinRoots.has(first)) {
      result.refs.push([...dot, ...fields.names]);
    }
    i = fields.end - 1;
  }
  return result;
}

/** The first word of an action (`if`, `with`, `range`, `end`, ...). */
function keyword(body: string): { word: string; rest: string } {
  let k = 0;
  while (isIdent(body[k])) k++;
  return { word: body.slice(0, k), rest: body.slice(k).trim() };
}

function resolveDot(expr: string, dot: Dot, vars: Variables): Dot {
  const refs = refsOf(expr, dot, vars);
  if (refs.refs.length === 1 && !refs.toYaml && refs.include === undefined) return refs.refs[0];
  return undefined;
}

/**
 * scanRefs reads every action of a file in order, tracking what dot is bound to through `with`/`range`/`define`/`end`,
 * and returns for each line the refs of the actions that start on it.
 */
export function scanRefs(lines: readonly TemplateLine[]): ActionRefs[][] {
  const stack: Dot[] = ['root'];
  const perLine: ActionRefs[][] = [];
  let vars: Variables = new Map();
  for (const line of lines) {
    const here: ActionRefs[] = [];
    for (const raw of line.actions) {
      if (raw.startsWith('/*')) continue;
      const dot = stack[stack.length - 1];
      // `$name := expr` (or `=`): remember what the variable reads; the action itself renders nothing.
      const body = raw;
      const assign = /^\$([A-Za-z_]\w*)\s*:?=\s*/.exec(raw);
      if (assign !== null) {
        vars.set(assign[1] ?? '', refsOf(raw.slice(assign[0].length), dot, vars).refs);
        continue;
      }
      const { word, rest } = keyword(body);
      if (word === 'define') vars = new Map();
      switch (word) {
        case 'if':
          here.push(refsOf(rest, dot, vars));
          stack.push(dot);
          break;
        case 'with':
          here.push(refsOf(rest, dot, vars));
          stack.push(resolveDot(rest, dot, vars));
          break;
        case 'range':
          here.push(refsOf(rest, dot, vars));
          stack.push(undefined);
          break;
        case 'define':
        case 'block':
          stack.push('root');
          break;
        case 'else': {
          const outer = stack.length > 1 ? stack[stack.length - 2] : 'root';
          const chained = keyword(rest);
          stack[stack.length - 1] = chained.word === 'with' ? resolveDot(chained.rest, outer, vars) : outer;
          break;
        }
        case 'end':
          if (stack.length > 1) stack.pop();
          break;
        default:
          here.push(refsOf(body, dot, vars));
      }
    }
    perLine.push(here);
  }
  return perLine;
}
