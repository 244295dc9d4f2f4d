// Blanks the values of keys that never matter for priority analysis (env, args, probes, volumes, managedFields ...)
// before a document is parsed. Blanked characters become spaces and line breaks stay, so every offset is unchanged;
// the YAML parser then skips whitespace instead of building nodes for most of a large manifest.

const irrelevantKeys = new Set([
  'env',
  'envFrom',
  'args',
  'command',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'securityContext',
  'volumes',
  'volumeClaimTemplates',
  'dnsConfig',
  'hostAliases',
  'imagePullSecrets',
  'managedFields',
  'data',
  'binaryData',
  'stringData',
]);

const keyLine = /^([ \t]*(?:- +)*)([A-Za-z][A-Za-z0-9]*)[ \t]*:(?=[ \t]|\r?$)/;

/** pruneIrrelevant returns `source` with the values of irrelevant keys blanked (same length, same line breaks). */
export function pruneIrrelevant(source: string): string {
  if (!/\b(?:env|envFrom|args|command|volumeMounts|volumeDevices|livenessProbe|readinessProbe|startupProbe|lifecycle|securityContext|volumes|volumeClaimTemplates|dnsConfig|hostAliases|imagePullSecrets|managedFields|data|binaryData|stringData)[ \t]*:/.test(source)) return source;
  const out: string[] = [];
  let skipColumn = -1;
  // Open flow brackets of a blanked inline value (`args: [` closed on a later line, possibly at the key's column).
  let flowDepth = 0;
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = source.length;
    const line = source.slice(lineStart, lineEnd);
    if (skipColumn >= 0) {
      const trimmed = line.trimStart();
      const indent = line.length - trimmed.length;
      const continues = flowDepth > 0 || trimmed === '' || trimmed === '\r' || trimmed.startsWith('#') || indent > skipColumn || (indent === skipColumn && (trimmed.startsWith('- ') || trimmed === '-' || trimmed === '-\r'));
      if (continues) {
        if (flowDepth > 0) flowDepth += bracketBalance(line);
        out.push(blank(line));
        out.push(lineEnd < source.length ? '\n' : '');
        lineStart = lineEnd + 1;
        continue;
      }
      skipColumn = -1;
    }
    const match = keyLine.exec(line);
    if (match !== null && irrelevantKeys.has(match[2] ?? '')) {
      const keyEnd = (match[0] ?? '').length;
      const rest = line.slice(keyEnd);
      // A block scalar indicator or an inline value: blank it; either way the following deeper lines belong to the key.
      out.push(line.slice(0, keyEnd) + blank(rest));
      skipColumn = (match[1] ?? '').length;
      flowDepth = Math.max(0, bracketBalance(rest));
    } else out.push(line);
    out.push(lineEnd < source.length ? '\n' : '');
    lineStart = lineEnd + 1;
  }
  return out.join('');
}

/** bracketBalance counts `[`/`{` minus `]`/`}` outside quotes and comments on one line. */
function bracketBalance(line: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

function blank(text: string): string {
  return text.replace(/[^\r]/g, ' ');
}
