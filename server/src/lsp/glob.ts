// Glob matching for `files.exclude` and `kubePriorityLens.exclude`: `**`, `*`, `?`, `{a,b}`, `[abc]`, relative to a folder.
// VS Code semantics: a pattern without `/` matches at any depth only when written `**/x`; `x` alone matches the top level.

const cache = new Map<string, RegExp>();

/** globToRegExp compiles one glob; `**` spans path segments, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached !== undefined) return cached;
  let source = '';
  let inGroup = 0;
  const slashed = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  let end = slashed.length;
  while (end > 0 && slashed[end - 1] === '/') end--; // not `/\/+$/`: quadratic on a long run of `/`
  const pattern = slashed.slice(0, end);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        const slashAfter = pattern[i + 2] === '/';
        source += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else if (c === '{') {
      inGroup++;
      source += '(?:';
    } else if (c === '}' && inGroup > 0) {
      inGroup--;
      source += ')';
    } else if (c === ',' && inGroup > 0) source += '|';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) source += '\\[';
      else {
        const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = close;
      }
    } else source += c.replace(/[.+^$()|\\/]/g, (m) => `\\${m}`);
  }
  const regexp = new RegExp(`^${source}$`);
  cache.set(glob, regexp);
  return regexp;
}

/** matchesAny is true when `relativePath` (with `/` separators) or one of its parent folders matches a glob. */
export function matchesAny(relativePath: string, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const path = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
  const regexps = globs.filter((g) => g.trim() !== '').map(globToRegExp);
  const segments = path.split('/');
  // A folder that matches excludes everything below it (`node_modules` or `charts/**`).
  for (let n = segments.length; n >= 1; n--) {
    const prefix = segments.slice(0, n).join('/');
    if (regexps.some((r) => r.test(prefix))) return true;
  }
  return false;
}
