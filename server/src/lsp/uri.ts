// File URIs encoded the way VS Code writes them, so a file indexed from disk and the same file opened in the editor
// share one key (`file:///a%40b` and `file:///a@b` are the same file).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** pathToUri encodes like vscode-uri's `URI.file(p).toString()`: only `A-Za-z0-9-._~` and `/` stay literal. */
export function pathToUri(fsPath: string): string {
  let p = fsPath.split(path.sep).join('/');
  const drive = /^([A-Za-z]):/.exec(p);
  if (drive !== null) p = `/${drive[1].toLowerCase()}:${p.slice(2)}`;
  if (!p.startsWith('/')) p = `/${p}`;
  const encoded = p
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `file://${encoded}`;
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** canonicalUri is the analysis key of a document: file URIs re-encoded, other schemes (untitled:) as they are. */
export function canonicalUri(uri: string): string {
  const p = uriToPath(uri);
  return p === undefined ? uri : pathToUri(p);
}

export const manifestPattern = /\.(ya?ml|json)$/i;

export function baseName(uri: string): string {
  const p = uriToPath(uri) ?? uri;
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}
