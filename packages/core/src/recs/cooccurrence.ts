// "Bought together": association-rule measures over order baskets. Pure maths, no IO: the caller
// streams order lines in and reads pair counts and rules out (and persists them if it wants).

/** The standard association-rule measures of "customers who bought A also bought B". */
export interface AssociationRule {
  /** The product the rule starts from (A). */
  antecedent: string;
  /** The product recommended with it (B). */
  consequent: string;
  /** Orders holding both A and B. */
  count: number;
  /** count / orders, in [0, 1]: how common the pair is overall. */
  support: number;
  /** count / orders holding A, in [0, 1]: how often A's buyers also took B. */
  confidence: number;
  /** confidence / support(B): > 1 means bought together more often than by chance. */
  lift: number;
}

/** What a rule is ranked by: 'confidence' (same order as raw co-occurrence count for one A) or 'lift'. */
export type RuleRanking = 'confidence' | 'lift';

/** Filters applied when reading rules; counts are kept unfiltered so thresholds can change freely. */
export interface RuleOptions {
  /** Minimum support of the pair, a fraction of all orders in [0, 1]. Default 0. */
  minSupport?: number;
  /** Minimum number of orders holding the pair. Default 1. */
  minCount?: number;
  /** Rank by 'confidence' (default) or 'lift'; ties break on count, then product id. */
  rankBy?: RuleRanking;
  /** Maximum rules returned. Default 10. */
  limit?: number;
}

/** Counts of a finished order set: the numbers every measure is computed from. */
export interface CooccurrenceCounts {
  /** Orders with at least one product of positive net quantity. */
  orders: number;
  /** Every product with the number of orders holding it, most frequent first. */
  products: { id: string; count: number }[];
  /** Every pair (a < b by id) with the number of orders holding both. */
  pairs: { a: string; b: string; count: number }[];
}

/** Rules read from counts, whatever store they came from. */
export interface CooccurrenceModel {
  readonly orders: number;
  /** Orders holding `productId` (0 when unknown). */
  productCount(productId: string): number;
  /** Products bought with `productId`, best first, filtered and ranked by `options`. */
  rulesFor(productId: string, options?: RuleOptions): AssociationRule[];
}

/** Streams order lines in; `finish()` turns them into counts. One order may be spread over many lines. */
export interface CooccurrenceCounter {
  /**
   * Adds one order line. Lines of the same (order, product) add up their quantities; a product is in
   * the basket when its net quantity is > 0, so a return line (negative qty) can cancel a purchase.
   * Quantity never multiplies counts: a basket either holds a product or it does not.
   */
  add(orderId: string, productId: string, qty: number): void;
  /** Lines added so far. */
  readonly lines: number;
  /** Counts every basket and pair. The counter can keep receiving lines afterwards. */
  finish(): CooccurrenceCounts;
}

/** Options of the counter. */
export interface CounterOptions {
  /**
   * Pair storage: 'dense' is a triangular Uint32Array (fast, products²/2 × 4 bytes), 'sparse' a sorted
   * typed array of integer pair keys (8 bytes per pair occurrence); 'auto' (default) takes dense up to
   * 4096 products.
   */
  storage?: 'auto' | 'dense' | 'sparse';
}

// Above this many products the triangular matrix (n²/2 × 4 bytes = 32 MiB at 4096) costs more than a Map.
const DENSE_MAX_PRODUCTS = 4096;

/** The measures of rule A → B from raw counts; all zero when a count is zero. */
export function associationMeasures(
  pairCount: number,
  countA: number,
  countB: number,
  orders: number,
): { support: number; confidence: number; lift: number } {
  if (pairCount <= 0 || countA <= 0 || countB <= 0 || orders <= 0) return { support: 0, confidence: 0, lift: 0 };
  const support = pairCount / orders;
  const confidence = pairCount / countA;
  return { support, confidence, lift: confidence / (countB / orders) };
}

/** Creates a streaming co-occurrence counter: ids are interned to integers, lines kept in typed arrays. */
export function createCooccurrenceCounter(options: CounterOptions = {}): CooccurrenceCounter {
  return new Counter(options.storage ?? 'auto');
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class Counter implements CooccurrenceCounter {
  private readonly orderIds = new Map<string, number>();
  private readonly productIds = new Map<string, number>();
  private readonly productNames: string[] = [];
  private readonly lineOrder = new GrowableInt32();
  private readonly lineProduct = new GrowableInt32();
  private readonly lineQty = new GrowableFloat64();

  constructor(private readonly storage: 'auto' | 'dense' | 'sparse') {}

  get lines(): number {
    return this.lineOrder.length;
  }

  add(orderId: string, productId: string, qty: number): void {
    if (!Number.isFinite(qty)) throw new RangeError(`quantity must be a finite number, got ${qty}`);
    let o = this.orderIds.get(orderId);
    if (o === undefined) {
      o = this.orderIds.size;
      this.orderIds.set(orderId, o);
    }
    let p = this.productIds.get(productId);
    if (p === undefined) {
      p = this.productNames.length;
      this.productIds.set(productId, p);
      this.productNames.push(productId);
    }
    this.lineOrder.push(o);
    this.lineProduct.push(p);
    this.lineQty.push(qty);
  }

  finish(): CooccurrenceCounts {
    const nOrders = this.orderIds.size;
    const nProducts = this.productNames.length;
    const nLines = this.lineOrder.length;
    const order = this.lineOrder.data;
    const product = this.lineProduct.data;
    const qty = this.lineQty.data;

    // Counting sort of the lines by order: O(lines), and each basket becomes one contiguous slice.
    const start = new Int32Array(nOrders + 1);
    for (let i = 0; i < nLines; i++) start[(order[i] as number) + 1]! += 1;
    for (let o = 0; o < nOrders; o++) start[o + 1]! += start[o]!;
    const fill = start.slice(0, nOrders);
    const sortedProduct = new Int32Array(nLines);
    const sortedQty = new Float64Array(nLines);
    for (let i = 0; i < nLines; i++) {
      const o = order[i] as number;
      const at = fill[o]!++;
      sortedProduct[at] = product[i] as number;
      sortedQty[at] = qty[i] as number;
    }

    const dense = this.storage === 'dense' || (this.storage === 'auto' && nProducts <= DENSE_MAX_PRODUCTS);
    const itemCount = new Uint32Array(nProducts);
    const tri = dense ? new Uint32Array((nProducts * (nProducts - 1)) / 2) : null;
    // Sparse: every pair occurrence as one integer key (a·n + b) in a typed array, sorted and
    // run-length counted at the end. Faster and far smaller than a Map of counts on millions of lines.
    const sparse = dense ? null : new GrowableFloat64();
    // Net quantity per product of the current basket; `seenIn` marks which basket last touched a slot.
    const net = new Float64Array(nProducts);
    const seenIn = new Int32Array(nProducts).fill(-1);
    const touched: number[] = [];
    const basket: number[] = [];
    let orders = 0;

    for (let o = 0; o < nOrders; o++) {
      touched.length = 0;
      for (let i = start[o]!; i < start[o + 1]!; i++) {
        const p = sortedProduct[i]!;
        if (seenIn[p] !== o) {
          seenIn[p] = o;
          net[p] = 0;
          touched.push(p);
        }
        net[p]! += sortedQty[i]!;
      }
      basket.length = 0;
      for (const p of touched) if (net[p]! > 0) basket.push(p);
      if (basket.length === 0) continue;
      orders++;
      basket.sort((x, y) => x - y);
      for (let i = 0; i < basket.length; i++) {
        const a = basket[i]!;
        itemCount[a]! += 1;
        for (let j = i + 1; j < basket.length; j++) {
          const b = basket[j]!;
          if (tri) {
            // Row a of the upper triangle starts after rows 0..a-1, which hold (n-1)+(n-2)+…+(n-a) cells.
            tri[a * nProducts - (a * (a + 1)) / 2 + (b - a - 1)]! += 1;
          } else {
            sparse!.push(a * nProducts + b);
          }
        }
      }
    }

    const names = this.productNames;
    const pairs: CooccurrenceCounts['pairs'] = [];
    const pushPair = (a: number, b: number, count: number): void => {
      const na = names[a]!;
      const nb = names[b]!;
      pairs.push(na < nb ? { a: na, b: nb, count } : { a: nb, b: na, count });
    };
    if (tri) {
      let k = 0;
      for (let a = 0; a < nProducts; a++) {
        for (let b = a + 1; b < nProducts; b++, k++) {
          const c = tri[k]!;
          if (c > 0) pushPair(a, b, c);
        }
      }
    } else {
      const keys = sparse!.data.subarray(0, sparse!.length).sort();
      for (let i = 0; i < keys.length; ) {
        const key = keys[i]!;
        let j = i + 1;
        while (j < keys.length && keys[j] === key) j++;
        pushPair(Math.floor(key / nProducts), key % nProducts, j - i);
        i = j;
      }
    }
    pairs.sort((x, y) => y.count - x.count || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));

    const products: CooccurrenceCounts['products'] = [];
    for (let p = 0; p < nProducts; p++) if (itemCount[p]! > 0) products.push({ id: names[p]!, count: itemCount[p]! });
    products.sort((x, y) => y.count - x.count || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return { orders, products, pairs };
  }
}

/** Indexes counts (from a counter or a store) for rule queries: O(pairs) once, then O(neighbours) per query. */
export function createCooccurrenceModel(counts: CooccurrenceCounts): CooccurrenceModel {
  const productCount = new Map(counts.products.map((p) => [p.id, p.count]));
  const neighbours = new Map<string, { id: string; count: number }[]>();
  const link = (from: string, to: string, count: number): void => {
    let list = neighbours.get(from);
    if (!list) neighbours.set(from, (list = []));
    list.push({ id: to, count });
  };
  for (const { a, b, count } of counts.pairs) {
    link(a, b, count);
    link(b, a, count);
  }
  const orders = counts.orders;
  return {
    orders,
    productCount: (id) => productCount.get(id) ?? 0,
    rulesFor(productId, options = {}) {
      const { minSupport = 0, minCount = 1, rankBy = 'confidence', limit = 10 } = options;
      const countA = productCount.get(productId) ?? 0;
      const rules: AssociationRule[] = [];
      for (const { id, count } of neighbours.get(productId) ?? []) {
        const m = associationMeasures(count, countA, productCount.get(id) ?? 0, orders);
        if (count < minCount || m.support < minSupport) continue;
        rules.push({ antecedent: productId, consequent: id, count, ...m });
      }
      rules.sort((x, y) => {
        const primary = rankBy === 'lift' ? y.lift - x.lift : y.confidence - x.confidence;
        if (primary !== 0) return primary;
        if (y.count !== x.count) return y.count - x.count;
        return x.consequent < y.consequent ? -1 : x.consequent > y.consequent ? 1 : 0;
      });
      return rules.slice(0, Math.max(0, limit));
    },
  };
}
