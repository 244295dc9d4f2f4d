// Read-only HTTP access to the API server: GET (list/get) with the kubeconfig's credentials, and watches through
// @kubernetes/client-node's Watch. Nothing here sends anything but GET, and only to the allow-listed read endpoints of
// endpoints.ts. With kubeconfig.ts, the only file that may import @kubernetes/client-node (eslint.config.mjs), and
// only from deep paths, so its exec/attach/port-forward/cp modules are not even bundled (test/bundle.test.ts).
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import type { ApiObject } from '../core/index';
import { assertReadPath } from './endpoints';
import type { ReadPath } from './endpoints';
import { openKubeconfig, safeMessage } from './kubeconfig';
import type { KubeconfigOptions, LoadedKubeconfig } from './kubeconfig';

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 = no response (connection refused, TLS, timeout). */
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface WatchHandle {
  abort(): void;
}

export class ApiClient {
  private readonly watcher: Watch;

  private constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    this.watcher = new Watch(kc);
  }

  /**
   * The connection factory: loads the kubeconfig (KubeconfigError for problems; exec plugins refused when untrusted)
   * and returns what it says about the context, plus a client for it. The KubeConfig itself never leaves this file.
   */
  static connect(options: KubeconfigOptions, timeoutMs = 15_000): { loaded: LoadedKubeconfig; api: ApiClient } {
    const { kc, loaded } = openKubeconfig(options);
    return { loaded, api: new ApiClient(kc, timeoutMs) };
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /**
   * GET an allow-listed path (query: `limit`, `continue`, an event `fieldSelector`) and parse JSON; throws ApiError (403, 404, 410, 0 for
   * network errors), or NotAReadEndpointError before sending anything when the path is not allow-listed.
   */
  async get(path: ReadPath, query: Record<string, string> = {}): Promise<ApiObject> {
    assertReadPath(path, 'get', query);
    const q = new URLSearchParams(query).toString();
    const url = new URL(this.server + path + (q === '' ? '' : `?${q}`));
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const lib = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete opts.agent;
    return new Promise<ApiObject>((resolve, reject) => {
      const req = lib.request(url, { ...opts, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new ApiError(safeMessage(e), 0)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: ApiObject | undefined;
          try {
            body = JSON.parse(text) as ApiObject;
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300 && body !== undefined) resolve(body);
          else {
            // Status objects carry `message`; some answers are plain text (API Priority and Fairness's 429 says
            // "Too many requests, please try again later."): keep that text instead of a bare status code.
            const plain =
              body === undefined && /^text\/plain\b/.test(String(res.headers['content-type'] ?? ''))
                ? (text.trim().split('\n')[0] ?? '')
                : '';
            const message = typeof body?.['message'] === 'string' ? body['message'] : plain !== '' ? plain : `HTTP ${status}`;
            const reason = typeof body?.['reason'] === 'string' ? body['reason'] : undefined;
            reject(new ApiError(safeMessage(message), status, reason));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new ApiError(safeMessage(e), 0)));
      req.end();
    });
  }

  /**
   * Starts a watch; `onEvent` gets every event (including ERROR objects with `code: 410`), `done` is called once
   * when the stream ends (err undefined = closed normally, e.g. the server's timeout).
   */
  async watch(
    path: ReadPath,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: ApiObject) => void,
    done: (err: ApiError | undefined) => void,
  ): Promise<WatchHandle> {
    assertReadPath(path, 'watch', query);
    let called = false;
    const once = (err: unknown) => {
      if (called) return;
      called = true;
      if (err === null || err === undefined) done(undefined);
      else {
        const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 0;
        done(new ApiError(safeMessage(err), status));
      }
    };
    const controller = await this.watcher.watch(
      path,
      query,
      (type: string, object: unknown) => onEvent(type, (object ?? {}) as ApiObject),
      once,
    );
    return {
      abort: () => {
        called = true;
        controller.abort();
      },
    };
  }
}
