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
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = source.length;
    const line = source.slice(lineStart, lineEnd);
    if (skipColumn >= 0) {
      const trimmed = line.trimStart();
      const indent = line.length - trimmed.length;
      const continues = trimmed === '' || trimmed === '\r' || trimmed.startsWith('#') || indent > skipColumn || (indent === skipColumn && (trimmed.startsWith('- ') || trimmed === '-' || trimmed === '-\r'));
      if (continues) {
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
    } else out.push(line);
    out.push(lineEnd < source.length ? '\n' : '');
    lineStart = lineEnd + 1;
  }
  return out.join('');
}

function blank(text: string): string {
  return text.replace(/[^\r]/g, ' ');
}
