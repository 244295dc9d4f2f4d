/**
 * Hostile cluster data in real VS Code (code-server + headless Chromium) against the real local control plane
 * (issue 9: "a test injects `<img src=x onerror=...>`/`<script>` into event messages, pod names and annotations and
 * proves nothing executes, checked in the real browser").
 *
 * Pod and namespace names are DNS names (no `<`), so the hostile strings go where a cluster user can put free text:
 * core/v1 Event messages (Preempted, Evicted, TaintManagerEviction regarding the pods), pod status (`status.message`
 * of an Evicted pod and DisruptionTarget condition messages, patched through the status subresource), pod
 * annotations and PriorityClass descriptions. Each payload carries `<img src=x onerror>`, `<script>`,
 * `"><svg onload>`, `[..](javascript:..)`, `[..](command:..)`, `<command:..>` and a markdown image; executed, it would
 * set `window.__xss`, change `document.title` or request a URL of a recorder server started here.
 *
 * This test owns the browser page: code-server runs the development extension with the extension-host suite
 * test/e2e/suite/hostile-cluster.ts (entry hostile-index.ts). The suite connects, opens the Live Preemptions &
 * Evictions view and runs Diagnose Pod on each hostile pod (rendered by VS Code's markdown preview); after each step
 * this test reads the DOM of every frame: no `window.__xss`, no title change, no dialog, no recorder hit, no injected
 * `img`/`svg`/`script`/event-handler attribute, no `javascript:`/`command:` link, and the hostile text IS shown
 * literally (so the check is not vacuous).
 *
 * Part of `npm run test:cluster`. Skipped when the cluster binaries or code-server are missing (unless
 * KPL_REQUIRE_CLUSTER=1 / KPL_REQUIRE_VSCODE=1); needs `node esbuild.mjs` first.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { HOSTILE_NAMESPACE, HOSTILE_PODS, hostileFiles } from '../e2e/suite/hostile-protocol';
import type { HostileAck, HostileSetup, HostileStep, HostileStory } from '../e2e/suite/hostile-protocol';
import { findRepoFile, realClusterSkip, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster, K8sObject } from './harness';
import { applyManifests, namespace, pod, priorityClass, waitForPodBound } from './scenario';

const skip = realClusterSkip({ vscode: true });

/** The parts of test/e2e/harness/code-server-run.js used here. */
interface CodeServerHarness {
  startCodeServer(opts: {
    workspace?: string;
    settings?: Record<string, unknown>;
    env?: Record<string, string>;
  }): Promise<{ host: string; tmp: string; stop(): Promise<void> }>;
  launchBrowser(): Promise<Browser>;
  workbenchUrl(host: string, folder: string, opts: { devPaths?: string[]; testsPath?: string }): string;
}

/** A hostile free-text value tagged with where it was put; executed, any part of it leaves a trace. */
function hostile(tag: string, recorder: string): string {
  const hit = (what: string): string => `fetch('${recorder}/hit/${tag}-${what}')`;
  return [
    `<img src=x onerror="${hit('img')};window.__xss='${tag}-img'">`,
    `<script>${hit('script')};window.__xss='${tag}-script'</script>`,
    `"><svg onload="${hit('svg')};document.title='xss-${tag}'">`,
    `[click](javascript:${hit('js')}) [run](command:workbench.action.closeWindow) <command:workbench.action.closeWindow>`,
    `![i](${recorder}/hit/${tag}-mdimg)`,
  ].join(' ');
}

/** What the browser sees after a step: every frame's flags plus, in the frame showing `marker`, its DOM facts. */
interface FrameFacts {
  text: string;
  titles: string[];
  markup: string[];
  badAttributes: string[];
  anchors: number;
}

// The page-side snippets are strings: the test project has no DOM typings (they run in the browser frames).
const shows = (selector: string, marker: string): string =>
  `(() => { const e = document.querySelector(${JSON.stringify(selector)}); return !!e && (document.body?.innerText ?? '').includes(${JSON.stringify(marker)}); })()`;

async function frameShowing(page: Page, selector: string, marker: string, timeoutMs: number): Promise<Frame> {
  return waitFor(
    async () => {
      for (const f of page.frames()) {
        const ok = await f.evaluate<boolean>(shows(selector, marker)).catch(() => false);
        if (ok) return f;
      }
      return undefined;
    },
    timeoutMs,
    { description: `a frame showing ${JSON.stringify(marker)}` },
  );
}

/** Injected markup: in the report (markdown preview) any image, SVG, frame or handler; the live view has its own SVG chart. */
const REPORT_MARKUP = 'img, svg, iframe, object, embed, form, [onerror], [onload], [onclick], [onmouseover], [onfocus]';
const LIVE_MARKUP =
  '.rows img, .rows svg, .rows script, .rows iframe, .nodes img, .nodes svg, .nodes script, .legend img, .legend svg, .legend script, .timeline img, .timeline script, .timeline foreignObject, .timeline svg svg, select img, select svg, iframe, [onerror], [onload], [onclick], [onmouseover], [onfocus]';

const factsJs = (recorder: string, markupSelector: string): string => String.raw`(() => {
  const rec = ${JSON.stringify(recorder)};
  const all = [...document.querySelectorAll('*')];
  const body = document.body;
  const markup = [...body.querySelectorAll(${JSON.stringify(markupSelector)})].map((e) => e.outerHTML.slice(0, 200));
  for (const s of [...document.scripts]) if (/__xss|\/hit\//.test(s.src + ' ' + (s.textContent ?? ''))) markup.push(s.outerHTML.slice(0, 200));
  const badAttributes = all
    .flatMap((e) => ['href', 'data-href', 'src', 'action', 'formaction', 'xlink:href'].map((a) => e.tagName + '[' + a + ']=' + (e.getAttribute(a) ?? '')))
    .filter((v) => /=\s*(javascript|command):|=.*\/hit\//i.test(v) || v.includes(rec));
  return {
    text: body.innerText.replace(/\s+/g, ' '),
    titles: [...body.querySelectorAll('[title]')].map((e) => (e.getAttribute('title') ?? '').replace(/\s+/g, ' ')),
    markup,
    badAttributes,
    anchors: body.querySelectorAll('a').length,
  };
})()`;

async function factsOf(frame: Frame, recorder: string, markupSelector: string): Promise<FrameFacts> {
  return frame.evaluate<FrameFacts>(factsJs(recorder, markupSelector));
}

/** `window.__xss` or a changed title in any frame. */
async function executionTraces(page: Page): Promise<string[]> {
  const traces: string[] = [];
  for (const f of page.frames()) {
    const v = await f
      .evaluate<{ xss: string | undefined; title: string }>(
        '({ xss: window.__xss === undefined ? undefined : String(window.__xss), title: document.title })',
      )
      .catch(() => undefined);
    if (v === undefined) continue;
    if (v.xss !== undefined) traces.push(`${f.url().slice(0, 100)}: window.__xss = ${v.xss}`);
    if (/xss/.test(v.title)) traces.push(`${f.url().slice(0, 100)}: document.title = ${v.title}`);
  }
  return traces;
}

function coreEvent(name: string, p: K8sObject, reason: string, message: string, component: string, extra: K8sObject = {}): K8sObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: p.metadata.namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
    reason,
    message,
    type: 'Warning',
    source: { component, host: p.spec.nodeName },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    ...extra,
  };
}

async function patchStatus(cluster: Cluster, name: string, status: K8sObject): Promise<void> {
  const r = await cluster.kubectl([
    'patch',
    'pod',
    '-n',
    HOSTILE_NAMESPACE,
    name,
    '--subresource=status',
    '--type=strategic',
    '-p',
    JSON.stringify({ status }),
  ]);
  assert.equal(r.code, 0, `patching the status of ${name}: ${r.stderr}`);
}

/** Creates the hostile objects; returns what must show up literally where. */
async function createHostileObjects(cluster: Cluster, recorder: string): Promise<HostileStory> {
  const ns = HOSTILE_NAMESPACE;
  const H = (tag: string): string => hostile(tag, recorder);
  const node = cluster.nodes[0].name;
  const sel = { 'kubernetes.io/hostname': node };
  await applyManifests(
    cluster,
    namespace(ns),
    priorityClass('hostile-low', 100, { description: H('class-low') }),
    priorityClass('hostile-high', 1000, { description: H('class-high') }),
  );
  const [preempted, evicted, tainted] = HOSTILE_PODS;
  const names = [...HOSTILE_PODS, 'hostile-preemptor'];
  await applyManifests(
    cluster,
    ...names.map((n) =>
      pod(ns, n, {
        cpu: '100m',
        priorityClassName: n === 'hostile-preemptor' ? 'hostile-high' : 'hostile-low',
        nodeSelector: sel,
        annotations: { 'kpl.test/note': H(`annotation-${n}`) },
      }),
    ),
  );
  const pods = new Map<string, K8sObject>();
  for (const n of names) pods.set(n, await waitForPodBound(cluster, ns, n, node, 60_000));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  // Pod status as an admin (or a compromised controller) can write it.
  await patchStatus(cluster, preempted, {
    conditions: [
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: H('condition-preempted'),
        lastTransitionTime: now,
      },
    ],
  });
  await patchStatus(cluster, evicted, {
    phase: 'Failed',
    reason: 'Evicted',
    message: `The node was low on resource: memory. Threshold quantity: 100Mi, available: 20Mi. ${H('status-evicted')}`,
  });
  await patchStatus(cluster, tainted, {
    conditions: [
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: H('condition-tainted'),
        lastTransitionTime: now,
      },
    ],
  });
  // Events regarding the pods (the live view shows them; Diagnose Pod quotes them as evidence and in its timeline).
  const preemptor = pods.get('hostile-preemptor')!;
  const notes = {
    preempted: `Preempted by pod ${H('note-preempted')} on node ${node}`,
    evicted: `The node was low on resource: memory. ${H('note-evicted')}`,
    tainted: `Marking for deletion Pod ${ns}/${tainted} ${H('note-tainted')}`,
  };
  await applyManifests(
    cluster,
    coreEvent('hostile-preempted.1', pods.get(preempted)!, 'Preempted', notes.preempted, 'default-scheduler', {
      related: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: preemptor.metadata.name, uid: preemptor.metadata.uid },
    }),
    coreEvent('hostile-evicted.1', pods.get(evicted)!, 'Evicted', notes.evicted, 'kubelet'),
    coreEvent('hostile-tainted.1', pods.get(tainted)!, 'TaintManagerEviction', notes.tainted, 'taint-eviction-controller'),
  );
  return {
    reports: [
      { target: `${ns}/${preempted}`, literals: [H('note-preempted'), H('condition-preempted')] },
      { target: `${ns}/${evicted}`, literals: [H('note-evicted'), H('status-evicted')] },
      { target: `${ns}/${tainted}`, literals: [H('note-tainted'), H('condition-tainted')] },
    ],
    liveMessages: [notes.preempted, notes.evicted, notes.tainted],
  };
}

test(
  'real VS Code: hostile cluster data in the live view and the Diagnose Pod report never executes',
  { skip, timeout: 12 * 60_000 },
  async (t) => {
    const root = path.dirname(findRepoFile('esbuild.mjs'));
    const testsPath = path.join(root, 'out', 'test', 'e2e', 'suite', 'hostile-index.js');
    assert.ok(fs.existsSync(testsPath) && fs.existsSync(path.join(root, 'dist', 'client.js')), 'run node esbuild.mjs first');
    const harness = createRequire(__filename)(path.join(root, 'test', 'e2e', 'harness', 'code-server-run.js')) as CodeServerHarness;

    // Anything that executes calls home here.
    const hits: string[] = [];
    const recorderServer = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
    });
    await new Promise<void>((r) => recorderServer.listen(0, '127.0.0.1', r));
    const recorder = `http://127.0.0.1:${(recorderServer.address() as AddressInfo).port}`;

    const started = Date.now();
    const cluster = await startCluster({ nodes: uniformNodes(2, 4, '8Gi') });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-vscode-hostile-'));
    const workspace = path.join(work, 'workspace');
    fs.mkdirSync(workspace);
    let cs: Awaited<ReturnType<CodeServerHarness['startCodeServer']>> | undefined;
    let browser: Browser | undefined;
    const log: string[] = [];
    try {
      const context = loadKubeconfig({ kubeconfig: cluster.kubeconfig }).context;
      const setupFile = path.join(work, 'setup.json');
      fs.writeFileSync(setupFile, JSON.stringify({ kubeconfig: cluster.kubeconfig, context, dir: work } satisfies HostileSetup));
      const files = hostileFiles(work);
      cs = await harness.startCodeServer({
        workspace,
        settings: { 'kubePriorityLens.kubeconfig': cluster.kubeconfig, 'kubePriorityLens.context': context },
        env: { KPL_E2E: '1', KPL_E2E_HOSTILE: setupFile },
      });
      browser = await harness.launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      let exitCode: number | undefined;
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => log.push(args.map(String).join(' ')));
      await page.exposeFunction('codeAutomationExit', (code: number) => (exitCode = code));
      await page.goto(harness.workbenchUrl(cs.host, workspace, { devPaths: [root], testsPath }));

      await waitFor(() => fs.existsSync(files.connected) || exitCode !== undefined, 240_000, {
        description: 'the extension connected (connectedFile)',
      });
      const failures: string[] = [];
      if (exitCode === undefined) {
        t.diagnostic(`extension live after ${((Date.now() - started) / 1000).toFixed(1)} s; creating the hostile objects`);
        const story = await createHostileObjects(cluster, recorder);
        fs.writeFileSync(files.story, JSON.stringify(story));
        const steps: HostileStep[] = [
          { name: 'live', kind: 'live' },
          ...story.reports.map((r, i): HostileStep => ({ name: `diagnose-${i}`, kind: 'diagnose', target: r.target })),
        ];
        for (const step of steps) {
          const announced = await waitFor(
            () => (fs.existsSync(files.step(step.name)) ? 'step' : exitCode !== undefined ? 'exited' : undefined),
            240_000,
            { description: `the suite reaching step ${step.name}` },
          );
          if (announced === 'exited') break;
          const problems: string[] = [];
          try {
            if (step.kind === 'live') {
              const frame = await frameShowing(page, '.viewport .ev-row', 'hostile-tainted', 30_000);
              // Row titles carry the event messages.
              const facts = await waitFor(
                async () => {
                  const f = await factsOf(frame, recorder, LIVE_MARKUP);
                  return story.liveMessages.every((m) => f.titles.some((x) => x.includes(m)) || f.text.includes(m)) ? f : undefined;
                },
                30_000,
                { description: 'the hostile event messages shown literally in the live view' },
              ).catch(async () => factsOf(frame, recorder, LIVE_MARKUP));
              for (const m of story.liveMessages)
                if (!facts.titles.some((x) => x.includes(m)) && !facts.text.includes(m))
                  problems.push(`live view: message not shown literally: ${m.slice(0, 80)}`);
              for (const p of HOSTILE_PODS) if (!facts.text.includes(p)) problems.push(`live view: no row of ${p}`);
              if (facts.markup.length > 0) problems.push(`live view: injected markup ${JSON.stringify(facts.markup)}`);
              if (facts.badAttributes.length > 0) problems.push(`live view: dangerous attributes ${JSON.stringify(facts.badAttributes)}`);
            } else {
              const report = story.reports.find((r) => r.target === step.target)!;
              // The markdown preview renders the heading `Diagnosis of pod <target>` in its own webview frame.
              const frame = await frameShowing(page, 'h1', `Diagnosis of pod ${report.target}`, 30_000);
              await page.waitForTimeout(1000); // let any injected handler (image error, svg load) fire
              const facts = await factsOf(frame, recorder, REPORT_MARKUP);
              for (const l of report.literals)
                if (!facts.text.includes(l))
                  problems.push(
                    `report ${report.target}: hostile text not shown literally: ${l.slice(0, 80)}…\n--- rendered text:\n${facts.text.slice(0, 3000)}`,
                  );
              if (facts.markup.length > 0) problems.push(`report ${report.target}: injected markup ${JSON.stringify(facts.markup)}`);
              if (facts.badAttributes.length > 0)
                problems.push(`report ${report.target}: dangerous attributes ${JSON.stringify(facts.badAttributes)}`);
              t.diagnostic(
                `${report.target}: report frame ${frame.url().slice(0, 60)}…, ${facts.text.length} chars of text, ${facts.anchors} links, literals shown`,
              );
            }
            await page.waitForTimeout(500);
            problems.push(...(await executionTraces(page)));
            if (dialogs.length > 0) problems.push(`dialogs opened: ${JSON.stringify(dialogs)}`);
            if (hits.length > 0) problems.push(`the recorder was called: ${JSON.stringify(hits)}`);
          } catch (e) {
            problems.push(`${step.name}: ${e instanceof Error ? e.message : String(e)}`);
            await page.screenshot({ path: path.join(os.tmpdir(), `kpl-vscode-hostile-${step.name}.png`) }).catch(() => undefined);
          }
          failures.push(...problems);
          fs.writeFileSync(
            files.ack(step.name),
            JSON.stringify((problems.length === 0 ? { ok: true } : { ok: false, error: problems.join('\n') }) satisfies HostileAck),
          );
          t.diagnostic(`browser check ${step.name}: ${problems.length === 0 ? 'ok' : 'FAILED'}`);
        }
      }
      await waitFor(() => exitCode !== undefined, 180_000, { description: 'the extension-host suite to finish' });
      const summary = [...log.join('\n').matchAll(/e2e\[extension-host, hostile cluster\]: (\d+) passed, (\d+) failed/g)].pop();
      t.diagnostic(
        `extension-host suite (${((Date.now() - started) / 1000).toFixed(1)} s):\n${log.filter((l) => /passing|failing|✔|✓|[0-9]+\) |e2e\[|Error|assert/i.test(l)).join('\n')}`,
      );
      assert.deepEqual(failures, [], 'browser checks failed');
      assert.ok(summary, `no summary line from the hostile suite (exit ${String(exitCode)}):\n${log.join('\n').slice(-4000)}`);
      assert.equal(Number(summary[2]), 0, log.join('\n').slice(-6000));
      assert.equal(Number(summary[1]), 3 + HOSTILE_PODS.length, 'all hostile-cluster tests ran');
      assert.equal(exitCode, 0);
      // Final sweep: still nothing executed anywhere, nothing called home.
      assert.deepEqual(await executionTraces(page), []);
      assert.deepEqual(hits, [], 'hostile markup requested the recorder URL');
      assert.deepEqual(dialogs, []);
    } finally {
      await browser?.close().catch(() => undefined);
      await cs?.stop();
      if (cs !== undefined && process.env['KPL_E2E_KEEP_LOGS'] !== '1') fs.rmSync(cs.tmp, { recursive: true, force: true });
      recorderServer.close();
      await cluster.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
