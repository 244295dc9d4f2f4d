// Preloaded into the language server by the benchmark (`node --expose-gc -r out/bench/lsp-preload.js dist/server.js`):
// on SIGUSR2 it collects garbage and writes one JSON line of process.memoryUsage() to stderr (stdout carries LSP).
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  const m = process.memoryUsage();
  process.stderr.write(`KPL-BENCH-MEMORY ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
});
