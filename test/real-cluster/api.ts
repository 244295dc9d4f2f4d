// A minimal HTTPS client for the test cluster's apiserver with the admin kubeconfig's embedded certificates.
// The differential suites send hundreds of small requests (status patches, server-side dry runs); a kubectl process
// per request costs 100-200 ms each on this machine, a request on a kept-alive connection a few ms.
import * as fs from 'node:fs';
import * as https from 'node:https';
import { parse } from 'yaml';
import type { K8sObject } from './harness';

export interface ApiResponse {
  status: number;
  body: K8sObject;
}

export interface ApiClient {
  request(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  close(): void;
}

export function apiClient(kubeconfigPath: string): ApiClient {
  const kc = parse(fs.readFileSync(kubeconfigPath, 'utf8')) as K8sObject;
  const cluster = kc.clusters[0].cluster as K8sObject;
  const user = kc.users[0].user as K8sObject;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const server = new URL(cluster.server as string);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 8,
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  });
  return {
    request(method, urlPath, body, contentType = 'application/json') {
      return new Promise<ApiResponse>((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = https.request(
          {
            agent,
            host: server.hostname,
            port: server.port,
            method,
            path: urlPath,
            headers: { accept: 'application/json', ...(data ? { 'content-type': contentType, 'content-length': data.length } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: K8sObject;
              try {
                parsed = JSON.parse(text) as K8sObject;
              } catch {
                parsed = { message: text };
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
            res.on('error', reject);
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Throw unless the response is 2xx. */
export function ok(r: ApiResponse, what: string): K8sObject {
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: HTTP ${r.status}: ${String(r.body.message ?? '')}`);
  return r.body;
}

export interface ApiResource {
  plural: string;
  namespaced: boolean;
}

/**
 * The resource serving `kind` at `apiVersion`, from the apiserver's discovery (cached per group/version); undefined
 * when the version is not served or has no such kind: what kubectl reports as `no matches for kind`.
 */
export function resourceResolver(api: ApiClient): (apiVersion: string, kind: string) => Promise<ApiResource | undefined> {
  const cache = new Map<string, Promise<Map<string, ApiResource>>>();
  const load = async (apiVersion: string) => {
    const r = await api.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
    const out = new Map<string, ApiResource>();
    if (r.status !== 200 || !Array.isArray(r.body.resources)) return out;
    for (const res of r.body.resources as K8sObject[]) {
      const name = String(res.name ?? '');
      if (name.includes('/')) continue; // subresources
      out.set(String(res.kind), { plural: name, namespaced: res.namespaced === true });
    }
    return out;
  };
  return async (apiVersion, kind) => {
    if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
    let p = cache.get(apiVersion);
    if (!p) cache.set(apiVersion, (p = load(apiVersion)));
    return (await p).get(kind);
  };
}
