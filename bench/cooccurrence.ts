// Bought-together counting on generated order lines: time and memory of the streaming counter
// (dense and sparse pair storage) side by side with a straightforward string-keyed implementation.
// Each variant runs in its own child process so its peak RSS is its own.
//
//   node --import tsx bench/cooccurrence.ts [--lines 1000000] [--products 2000] [--seed 7]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCooccurrenceCounter, createCooccurrenceModel, seededRandom, type CooccurrenceCounts } from '@smartmirror/core';
import { report, type Row } from './lib/report.ts';

const VARIANTS = ['dense', 'sparse', 'naive-strings'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    products: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    variant: { type: 'string' },
  },
});
const LINES = Number(values.lines);
const PRODUCTS = Number(values.products);
const SEED = Number(values.seed);


/**
 * Calls `line` LINES times: orders of 1–8 lines (mean ~4), products drawn with a Zipf-like skew
 * (shops sell a few products a lot), a planted partner for each product 30 % of the time (so there
 * are real associations to find), 3 % duplicate lines and 1 % returns (negative quantity).
 */
function generate(line: (orderId: string, productId: string, qty: number) => void): void {
  const rand = seededRandom(SEED);
  const pick = (): number => Math.min(PRODUCTS - 1, Math.floor(PRODUCTS * rand() ** 2.5));
  let emitted = 0;
  let order = 0;
  while (emitted < LINES) {
    const orderId = `ORD-${order++}`;
    const size = 1 + Math.floor(rand() * 8);
    let last = -1;
    for (let i = 0; i < size && emitted < LINES; i++) {
      let p = pick();
      if (last >= 0 && rand() < 0.3) p = (last * 7 + 3) % PRODUCTS;
      const r = rand();
      const qty = r < 0.01 ? -1 : 1 + Math.floor(rand() * 3);
      line(orderId, `SKU-${p}`, qty);
      emitted++;
      if (r > 0.97 && emitted < LINES) {
        line(orderId, `SKU-${p}`, 1);
        emitted++;
      }
      last = p;
    }
  }
}

/** The generated lines, held in memory so the timings below are counting only. */
interface Lines {
  orders: string[];
  products: string[];
  qty: Float64Array;
}

function materialise(): Lines {
  const orders: string[] = [];
  const products: string[] = [];
  const qty = new Float64Array(LINES);
  generate((o, p, q) => {
    qty[orders.length] = q;
    orders.push(o);
    products.push(p);
  });
  return { orders, products, qty };
}

/** The version most people write first: a Map of Maps per order, pairs keyed by "a|b" strings. */
function naiveCounts(lines: Lines): CooccurrenceCounts {
  const baskets = new Map<string, Map<string, number>>();
  for (let i = 0; i < lines.orders.length; i++) {
    const o = lines.orders[i]!;
    const p = lines.products[i]!;
    let b = baskets.get(o);
    if (!b) baskets.set(o, (b = new Map<string, number>()));
    b.set(p, (b.get(p) ?? 0) + lines.qty[i]!);
  }
  const items = new Map<string, number>();
  const pairs = new Map<string, number>();
  let orders = 0;
  for (const basket of baskets.values()) {
    const list = [...basket].filter(([, q]) => q > 0).map(([p]) => p).sort();
    if (list.length === 0) continue;
    orders++;
    for (let i = 0; i < list.length; i++) {
      items.set(list[i]!, (items.get(list[i]!) ?? 0) + 1);
      for (let j = i + 1; j < list.length; j++) {
        const key = `${list[i]}|${list[j]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  return {
    orders,
    products: [...items].map(([id, count]) => ({ id, count })),
    pairs: [...pairs].map(([key, count]) => {
      const [a = '', b = ''] = key.split('|');
      return { a, b, count };
    }),
  };
}

function runVariant(variant: Variant): Row {
  const lines = materialise();
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  let counts: CooccurrenceCounts;
  if (variant === 'naive-strings') {
    counts = naiveCounts(lines);
  } else {
    const counter = createCooccurrenceCounter({ storage: variant });
    for (let i = 0; i < lines.orders.length; i++) counter.add(lines.orders[i]!, lines.products[i]!, lines.qty[i]!);
    counts = counter.finish();
  }
  const countMs = performance.now() - t0;
  const t1 = performance.now();
  const model = createCooccurrenceModel(counts);
  let rules = 0;
  for (const { id } of counts.products) rules += model.rulesFor(id, { minCount: 2, limit: 10 }).length;
  const rulesMs = performance.now() - t1;
  const mem = process.memoryUsage();
  return {
    variant,
    lines: LINES,
    orders: counts.orders,
    products: counts.products.length,
    pairs: counts.pairs.length,
    rulesTop10: rules,
    // Counting only: the generated lines are already in memory (same for every variant).
    countMs: Math.round(countMs),
    rulesAllProductsMs: Math.round(rulesMs),
    heapUsedMiB: Math.round(mem.heapUsed / 2 ** 20),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    // Peak RSS minus the RSS with only the input lines loaded: what counting itself added.
    countingRssMiB: Math.round((process.resourceUsage().maxRSS * 1024 - baseRss) / 2 ** 20),
  };
}

if (values.variant !== undefined) {
  const variant = VARIANTS.find((v) => v === values.variant);
  if (!variant) throw new Error(`unknown variant ${values.variant}`);
  process.stdout.write(`${JSON.stringify(runVariant(variant))}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = VARIANTS.map((variant) => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', self, '--variant', variant, '--lines', String(LINES), '--products', String(PRODUCTS), '--seed', String(SEED)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(out) as Row;
  });
  const base = rows.find((r) => r.variant === 'naive-strings');
  for (const r of rows) {
    r.speedupVsNaive = base ? Number(base.countMs) / Number(r.countMs) : null;
    r.countingRssVsNaive = base ? Number(r.countingRssMiB) / Number(base.countingRssMiB) : null;
  }
  const agree = new Set(rows.map((r) => `${r.orders}/${r.pairs}`)).size === 1;
  // Absolute times depend on what else runs on the machine: the load average says how busy it was.
  report('cooccurrence', rows, { lines: LINES, products: PRODUCTS, seed: SEED, variantsAgree: agree, cpus: cpus().length, loadavg1m: loadavg()[0] });
}
