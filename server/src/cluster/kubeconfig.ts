// Loads a kubeconfig with @kubernetes/client-node, selects the context, and refuses credential plugins when untrusted.
// Never logs or returns tokens, keys or certificates: errors carry paths, context and cluster names only. The loaded
// KubeConfig is handed to api.ts alone (openKubeconfig; eslint.config.mjs and test/tidy.test.ts enforce it): every other
// caller gets plain data (context names, server URL, namespace) and reaches the cluster only through ApiClient.
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';

export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly kind: 'missing' | 'invalid' | 'no-context' | 'untrusted-exec',
  ) {
    super(message);
  }
}

export interface KubeconfigOptions {
  /** Path of the kubeconfig; undefined = `$KUBECONFIG`, then `~/.kube/config`. */
  kubeconfig?: string;
  /** Context name; undefined/empty = the file's current-context. */
  context?: string;
  /** false = refuse `exec` credential plugins and command-running auth providers. Default true. */
  trusted?: boolean;
}

/** What a loaded kubeconfig says about the selected context: data only, no credentials and no client. */
export interface LoadedKubeconfig {
  context: string;
  cluster: string;
  server: string;
  /** Namespace of the context (default "default"). */
  namespace: string;
  /** Files read. */
  source: string;
  /** Validity window of the context user's client certificate, when it has a readable one. */
  clientCertificate?: ClientCertificateValidity;
}

export interface ClientCertificateValidity {
  /** Name of the kubeconfig user entry. */
  user: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Validity window of the user's client certificate (client-certificate-data, else the client-certificate file).
 * Only the public certificate is parsed, never the key; undefined when there is none or it cannot be read/parsed
 * (the TLS handshake reports that).
 */
function clientCertificateValidity(kc: KubeConfig): ClientCertificateValidity | undefined {
  const user = kc.getCurrentUser();
  if (user === null) return undefined;
  let raw: Buffer | undefined;
  try {
    if (user.certData !== undefined && user.certData !== '') {
      const data = user.certData.trim();
      raw = data.startsWith('-----BEGIN') ? Buffer.from(data) : Buffer.from(data, 'base64');
    } else if (user.certFile !== undefined && user.certFile !== '') raw = fs.readFileSync(user.certFile);
    if (raw === undefined) return undefined;
    // A file may hold a chain: the first certificate is the client's.
    const cert = new X509Certificate(raw);
    const notBefore = new Date(cert.validFrom);
    const notAfter = new Date(cert.validTo);
    if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) return undefined;
    return { user: user.name, notBefore, notAfter };
  } catch {
    return undefined;
  }
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A readable problem when the client certificate is outside its validity window at `now` (the API server only says
 * "401 Unauthorized" for an expired certificate), else undefined.
 */
export function clientCertificateProblem(cert: ClientCertificateValidity | undefined, now: Date = new Date()): string | undefined {
  if (cert === undefined) return undefined;
  if (cert.notAfter.getTime() < now.getTime()) {
    return `the client certificate of user "${cert.user}" expired on ${isoSeconds(cert.notAfter)}; renew it (e.g. re-run your cloud CLI's get-credentials, or ask the cluster admin for a new one)`;
  }
  if (cert.notBefore.getTime() > now.getTime()) {
    return `the client certificate of user "${cert.user}" is not valid before ${isoSeconds(cert.notBefore)}; check this machine's clock, or renew the certificate`;
  }
  return undefined;
}

/** The kubeconfig files that would be read for `kubeconfig` (existing ones only). */
export function kubeconfigPaths(kubeconfig: string | undefined): string[] {
  if (kubeconfig !== undefined && kubeconfig !== '') return [expandHome(kubeconfig)];
  const env = process.env['KUBECONFIG'];
  if (env !== undefined && env !== '') return env.split(path.delimiter).filter((p) => p !== '' && fs.existsSync(p));
  const home = path.join(os.homedir(), '.kube', 'config');
  return fs.existsSync(home) ? [home] : [];
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * A credential-like key (YAML, JSON, query string or header: `token`, `id-token`, `access_token`, `refreshToken`,
 * `client-secret`, `password`, `AWS_SECRET_ACCESS_KEY`, `client-key-data`, `Authorization`, …), quoted or not, with
 * `:` or `=`, and its value: a quoted string (to its closing quote, or the end), `Bearer x`/`Basic x`, or a bare word.
 */
const credentialPair =
  /(?<![A-Za-z0-9])((?:access|id|refresh|auth|bearer|session|api)?[-_]?token|passw(?:or)?d|(?:client[-_]?)?secret|(?:secret[-_]?)?(?:access|private|api)[-_]?key|client-key-data|client-certificate-data|authorization)(["']?[ \t]*[:=][ \t]*)("(?:[^"\\]|\\.)*"?|'[^']*'?|(?:bearer|basic)\s+[^\s,;&"'}\]]+|[^\s,;&"'}\]]+)/gi;
const schemeCredential = /\b(bearer|basic)\s+(?!<redacted>)\S+/gi;
/** The value of an exec plugin's `env` entry (JSON, YAML flow or block): any of them may be a secret. */
const envValueJson = /("name"\s*:\s*"[^"]*"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"?/g;
const envValueYaml = /(\bname\s*:[^,{}:\n]*(?:,|\n)\s*value\s*:)[ \t]*[^,{}\s]+/g;
const redacted = '<redacted>';

/** `scheme://user:password@host` → `scheme://<redacted>@host` (a scan, no regex: the authority ends at `/ ? #`, space or a quote). */
function redactUserinfo(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', Math.max(i + 3, from))) {
    const start = i + 3;
    let at = -1;
    // The authority cannot hold a `/`, so each character is scanned once over all the `://` found.
    for (let end = start; end < text.length && !'/?#"\'` \t\n<>'.includes(text[end]); end++) if (text[end] === '@') at = end;
    if (at !== -1) {
      out += text.slice(from, start) + redacted;
      from = at;
    }
  }
  return out + text.slice(from);
}

/** A PEM private key (kept on one line in JSON with `\n` escapes) → `<redacted private key>`. */
function redactPrivateKeys(text: string): string {
  const marker = 'PRIVATE KEY-----';
  let out = '';
  let from = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, Math.max(i + marker.length, from))) {
    const window = Math.max(from, i - 64);
    const begin = text.slice(window, i).lastIndexOf('-----BEGIN');
    const start = begin === -1 ? i : window + begin;
    const endMarker = text.indexOf('-----END', i + marker.length);
    const close = endMarker === -1 ? -1 : text.indexOf('-----', endMarker + 8);
    out += `${text.slice(from, start)}<redacted private key>`;
    from = close === -1 ? text.length : close + 5;
  }
  return out + text.slice(from);
}

/** A JSON Web Token (OIDC id-token, service account token) standing alone: `eyJ…` with two dots → `<redacted>`. */
function redactJwts(text: string): string {
  let out = '';
  let from = 0;
  const isTokenChar = (c: string | undefined): boolean =>
    c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-' || c === '_');
  for (let i = text.indexOf('eyJ'); i !== -1; i = text.indexOf('eyJ', Math.max(i + 3, from))) {
    if (i < from || isTokenChar(text[i - 1])) continue;
    let end = i;
    let dots = 0;
    while (end < text.length && (isTokenChar(text[end]) || text[end] === '.')) {
      if (text[end] === '.') dots++;
      end++;
    }
    if (dots >= 2) {
      out += text.slice(from, i) + redacted;
      from = end;
    }
  }
  return out + text.slice(from);
}

/**
 * redactCredentials removes anything that looks like a credential: values of credential keys in YAML, JSON, query
 * strings and headers, exec plugin `env` values, `Bearer`/`Basic` credentials, `user:password@` in URLs, PEM private
 * keys and JSON Web Tokens. Every step is linear in the text's length.
 */
export function redactCredentials(text: string): string {
  const pairs = redactPrivateKeys(text)
    .replace(credentialPair, (_m, key: string, separator: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${key}${separator}${quote}${redacted}${quote}`;
    })
    .replace(envValueJson, `$1"${redacted}"`)
    .replace(envValueYaml, `$1 ${redacted}`);
  return redactJwts(redactUserinfo(pairs.replace(schemeCredential, `$1 ${redacted}`)));
}

/** First line of an error message (at most 300 characters) with credentials removed (redactCredentials). */
export function safeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactCredentials((text.split('\n')[0] ?? '').slice(0, 8192)).slice(0, 300);
}

function readKubeConfig(options: KubeconfigOptions): { kc: KubeConfig; source: string } {
  const paths = kubeconfigPaths(options.kubeconfig);
  if (paths.length === 0) {
    if (options.kubeconfig !== undefined && options.kubeconfig !== '')
      throw new KubeconfigError(`no kubeconfig at ${options.kubeconfig}`, 'missing');
    throw new KubeconfigError('no kubeconfig found: pass --kubeconfig PATH, set $KUBECONFIG, or create ~/.kube/config', 'missing');
  }
  const kc = new KubeConfig();
  const first = paths[0] ?? '';
  if (!fs.existsSync(first)) throw new KubeconfigError(`no kubeconfig at ${first}`, 'missing');
  try {
    if (paths.length === 1) kc.loadFromFile(first);
    else {
      // Several $KUBECONFIG files: merged as kubectl does (first wins).
      kc.loadFromFile(first);
      for (const p of paths.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(p);
        kc.mergeConfig(more, false);
      }
    }
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${first}: ${safeMessage(error)}`, 'invalid');
  }
  return { kc, source: paths.join(path.delimiter) };
}

export function listKubeContexts(options: KubeconfigOptions): {
  contexts: { name: string; cluster?: string; namespace?: string }[];
  current?: string;
  source: string;
} {
  const { kc, source } = readKubeConfig(options);
  const contexts = kc.getContexts().map((c) => {
    const out: { name: string; cluster?: string; namespace?: string } = { name: c.name };
    if (c.cluster) out.cluster = c.cluster;
    if (c.namespace) out.namespace = c.namespace;
    return out;
  });
  const current = kc.getCurrentContext();
  return current ? { contexts, current, source } : { contexts, source };
}

/** Loads and checks the kubeconfig (KubeconfigError for problems): what it says about the selected context. */
export function loadKubeconfig(options: KubeconfigOptions): LoadedKubeconfig {
  return openKubeconfig(options).loaded;
}

/**
 * loadKubeconfig plus the KubeConfig object. For ApiClient.connect (api.ts) only: importing it anywhere else is a lint
 * error, so no other code can hold credentials or send a request that is not an allow-listed read.
 */
export function openKubeconfig(options: KubeconfigOptions): { kc: KubeConfig; loaded: LoadedKubeconfig } {
  const { kc, source } = readKubeConfig(options);
  const wanted = options.context !== undefined && options.context !== '' ? options.context : kc.getCurrentContext();
  if (!wanted) throw new KubeconfigError(`kubeconfig ${source} has no current-context; pass --context NAME`, 'no-context');
  const context = kc.getContextObject(wanted);
  if (context === null)
    throw new KubeconfigError(
      `context "${wanted}" not found in kubeconfig ${source} (contexts: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none'
      })`,
      'no-context',
    );
  kc.setCurrentContext(wanted);
  const user = kc.getCurrentUser();
  if (options.trusted === false && user !== null) {
    if (user.exec !== undefined && user.exec !== null)
      throw new KubeconfigError(
        `context "${wanted}" uses an exec credential plugin, which is not run in an untrusted workspace`,
        'untrusted-exec',
      );
    const provider = user.authProvider as { config?: Record<string, unknown> } | undefined;
    if (provider?.config?.['cmd-path'] !== undefined)
      throw new KubeconfigError(
        `context "${wanted}" uses an auth provider command, which is not run in an untrusted workspace`,
        'untrusted-exec',
      );
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null)
    throw new KubeconfigError(`context "${wanted}" names cluster "${context.cluster}", which is not in kubeconfig ${source}`, 'invalid');
  const loaded: LoadedKubeconfig = {
    context: wanted,
    cluster: cluster.name,
    server: cluster.server,
    namespace: context.namespace || 'default',
    source,
  };
  const clientCertificate = clientCertificateValidity(kc);
  if (clientCertificate !== undefined) loaded.clientCertificate = clientCertificate;
  return { kc, loaded };
}
