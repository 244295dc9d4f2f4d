// Preloaded into the language server by the benchmark (`node --expose-gc -r out/bench/lsp-preload.js dist/server.js`):
// on SIGUSR2 it collects garbage and writes one JSON line to stderr (stdout carries LSP) with process.memoryUsage()
// right away and again at rest: after KPL_BENCH_REST_MS (default 10 s) without requests, when V8's memory reducer has
// handed the pages freed by the last rebuild back to the system. The resting figure is what an idle editor holds.
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  const pick = (m: NodeJS.MemoryUsage): Record<string, number> => ({
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  });
  const now = pick(process.memoryUsage());
  setTimeout(
    () => {
      process.stderr.write(`KPL-BENCH-MEMORY ${JSON.stringify({ ...pick(process.memoryUsage()), busy: now })}\n`);
    },
    Number(process.env['KPL_BENCH_REST_MS'] ?? 10_000),
  );
});
