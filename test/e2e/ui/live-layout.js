// The Live Preemptions & Evictions view's layout, measured in the real browser (issue 20) rather than compared as
// pixels: at window widths of 1280-1400 px no reason pill is cut or spills out of its cell and node names stay on one
// line; beside an editor (a view about 700 px wide) the Preemptor column stays visible, the columns giving way in
// priority order (the gap first, then the node); the per-node table fits or scrolls sideways in its own box; the
// kubelet's next-eviction column appears only when a node is under pressure. Used by run-ui.js (fixture rows) and by
// `npm run screenshots -- --cluster` (rows of the real control plane).
'use strict';

/** Measures the live view inside its webview frame (a playwright Frame). */
function measureLiveLayout(frame) {
  return frame.evaluate(() => {
    const shown = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0;
    // Lines a box's text occupies: the distinct tops of its text's client rects.
    const lines = (el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
    };
    const header = (cls) => {
      const el = document.querySelector(`.ev-header .${cls}`);
      if (!shown(el)) return null;
      const r = el.getBoundingClientRect();
      return { left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width) };
    };
    const pills = [...document.querySelectorAll('.rows .reason-pill')].map((p) => {
      const pr = p.getBoundingClientRect();
      const cell = p.closest('.cell').getBoundingClientRect();
      return {
        text: p.textContent,
        cut: p.scrollWidth > p.clientWidth + 1,
        outside: pr.left < cell.left - 0.5 || pr.right > cell.right + 0.5,
        lines: lines(p),
      };
    });
    const nodeCells = [...document.querySelectorAll('.rows .c-node')]
      .filter(shown)
      .filter((c) => (c.textContent || '') !== '')
      .map((c) => ({ text: c.textContent, cut: c.scrollWidth > c.clientWidth + 1, lines: lines(c) }));
    const nodeNames = [...document.querySelectorAll('.node-table tbody tr td:first-child')].map((c) => ({
      text: c.textContent,
      lines: lines(c),
    }));
    const wrap = document.querySelector('.node-table-wrap');
    const heads = [...document.querySelectorAll('.node-table thead th')].map((t) => t.textContent || '');
    return {
      width: document.documentElement.clientWidth,
      rows: document.querySelectorAll('.rows .ev-row').length,
      pills,
      nodeCells,
      nodeNames,
      columns: Object.fromEntries(
        ['c-time', 'c-victim', 'c-reason', 'c-node', 'c-preemptor', 'c-gap', 'c-actions'].map((c) => [c, header(c)]),
      ),
      nodeTable: wrap
        ? {
            overflows: wrap.scrollWidth > wrap.clientWidth + 1,
            overflowX: getComputedStyle(wrap).overflowX,
            heads,
            pressureCells: [...document.querySelectorAll('.node-table td.pressure')].length,
          }
        : null,
    };
  });
}

/**
 * What is wrong with a measurement at a window of `windowWidth` px (empty = fine). Wide windows (>= 1280): every pill
 * whole and inside its cell, node names on one line and not cut. Any width: the Preemptor column visible inside the
 * view; the columns present are those the view's width allows, collapsing gap first, then node.
 */
function liveLayoutProblems(m, windowWidth) {
  const problems = [];
  const where = `window ${windowWidth} px (view ${m.width} px)`;
  if (m.rows === 0) problems.push(`${where}: no rows rendered`);
  for (const p of m.pills) {
    if (p.cut) problems.push(`${where}: pill "${p.text}" is cut`);
    if (p.outside) problems.push(`${where}: pill "${p.text}" spills out of its cell`);
    if (p.lines !== 1) problems.push(`${where}: pill "${p.text}" on ${p.lines} lines`);
  }
  for (const n of m.nodeCells) {
    if (n.lines !== 1) problems.push(`${where}: node "${n.text}" wraps onto ${n.lines} lines`);
    if (windowWidth >= 1280 && n.cut) problems.push(`${where}: node "${n.text}" is cut`);
  }
  for (const n of m.nodeNames) if (n.lines !== 1) problems.push(`${where}: per-node table: "${n.text}" on ${n.lines} lines`);
  const c = m.columns;
  const pre = c['c-preemptor'];
  if (pre === null) problems.push(`${where}: the Preemptor column is hidden`);
  else if (pre.right > m.width + 1 || pre.width < 100)
    problems.push(`${where}: the Preemptor column is not fully visible (${JSON.stringify(pre)})`);
  for (const k of ['c-time', 'c-victim', 'c-reason', 'c-actions']) if (c[k] === null) problems.push(`${where}: column ${k} is hidden`);
  // Collapse order: the gap gives way first (<= 1000 px), then the node (<= 820 px); never the node before the gap.
  if (c['c-node'] === null && c['c-gap'] !== null) problems.push(`${where}: the Node column gave way before the Gap column`);
  if (m.width > 1000 && c['c-gap'] === null) problems.push(`${where}: the Gap column is hidden although there is room`);
  if (m.width > 820 && c['c-node'] === null) problems.push(`${where}: the Node column is hidden although there is room`);
  if (m.width <= 820 && c['c-node'] !== null) problems.push(`${where}: the Node column did not give way`);
  const t = m.nodeTable;
  if (t !== null) {
    if (t.overflows && t.overflowX !== 'auto' && t.overflowX !== 'scroll')
      problems.push(`${where}: the per-node table overflows without scrolling`);
    const nextCol = t.heads.some((h) => /Next eviction victims/.test(h));
    if (nextCol !== t.pressureCells > 0)
      problems.push(`${where}: next-eviction column ${nextCol ? 'shown without' : 'missing with'} node pressure`);
  }
  return problems;
}

/**
 * Resizes the page so the view is `viewWidth` px wide (the workbench around it keeps its width), or to `windowWidth`.
 * Returns the window width used.
 */
async function resizeFor(page, frame, { windowWidth, viewWidth }) {
  const height = page.viewportSize()?.height ?? 900;
  if (windowWidth !== undefined) {
    await page.setViewportSize({ width: windowWidth, height });
    await page.waitForTimeout(800);
    return windowWidth;
  }
  const now = page.viewportSize()?.width ?? 1400;
  const view = await frame.evaluate(() => document.documentElement.clientWidth);
  const width = Math.max(400, Math.round(viewWidth + (now - view)));
  await page.setViewportSize({ width, height });
  await page.waitForTimeout(800);
  return width;
}

module.exports = { measureLiveLayout, liveLayoutProblems, resizeFor };
