import { describe, expect, it } from 'vitest';
import { associationMeasures, createCooccurrenceCounter, createCooccurrenceModel, type CooccurrenceCounts } from './cooccurrence.ts';

// A hand-made order set whose answers are worked out on paper:
//   O1 bread butter milk | O2 bread butter | O3 bread jam | O4 milk
//   O5 bread, butter ×3 and butter again on a duplicate line (still one basket holding butter)
//   O6 bread 2 then bread −2 (returned) and milk → the basket is {milk}
//   O7 only a zero-quantity line → not an order at all
// Orders: 6. bread 4, butter 3, milk 3, jam 1. Pairs: bread·butter 3, bread·milk 1, butter·milk 1, bread·jam 1.
const LINES: [string, string, number][] = [
  ['O1', 'bread', 1], ['O1', 'butter', 1], ['O1', 'milk', 1],
  ['O2', 'bread', 1], ['O2', 'butter', 2],
  ['O3', 'jam', 1], ['O3', 'bread', 1],
  ['O4', 'milk', 1],
  ['O5', 'bread', 1], ['O5', 'butter', 3], ['O5', 'butter', 1],
  ['O6', 'bread', 2], ['O6', 'bread', -2], ['O6', 'milk', 1],
  ['O7', 'jam', 0],
];

function countsOf(lines: [string, string, number][], storage: 'dense' | 'sparse'): CooccurrenceCounts {
  const counter = createCooccurrenceCounter({ storage });
  for (const [o, p, q] of lines) counter.add(o, p, q);
  return counter.finish();
}

describe.each(['dense', 'sparse'] as const)('co-occurrence counts (%s storage)', (storage) => {
  const counts = countsOf(LINES, storage);

  it('counts orders by net positive quantity, ignoring zero and cancelled lines', () => {
    expect(counts.orders).toBe(6);
    expect(counts.products).toEqual([
      { id: 'bread', count: 4 },
      { id: 'butter', count: 3 },
      { id: 'milk', count: 3 },
      { id: 'jam', count: 1 },
    ]);
  });

  it('counts each pair once per basket, whatever the quantity or duplicate lines', () => {
    expect(counts.pairs).toEqual([
      { a: 'bread', b: 'butter', count: 3 },
      { a: 'bread', b: 'jam', count: 1 },
      { a: 'bread', b: 'milk', count: 1 },
      { a: 'butter', b: 'milk', count: 1 },
    ]);
  });

  it('gives support, confidence and lift of every rule', () => {
    const model = createCooccurrenceModel(counts);
    const [butter] = model.rulesFor('bread');
    expect(butter).toMatchObject({ antecedent: 'bread', consequent: 'butter', count: 3 });
    expect(butter!.support).toBeCloseTo(3 / 6, 12);
    expect(butter!.confidence).toBeCloseTo(3 / 4, 12);
    expect(butter!.lift).toBeCloseTo(0.75 / (3 / 6), 12);
    // Confidence is directional; lift and support are not.
    const [bread] = model.rulesFor('butter');
    expect(bread).toMatchObject({ consequent: 'bread', count: 3 });
    expect(bread!.confidence).toBeCloseTo(1, 12);
    expect(bread!.lift).toBeCloseTo(1.5, 12);
    const [fromMilk] = model.rulesFor('milk');
    expect(fromMilk!.confidence).toBeCloseTo(1 / 3, 12);
    expect(fromMilk!.lift).toBeCloseTo(1 / 3 / (4 / 6), 12);
  });

  it('ranks by confidence (ties by count then id) or by lift', () => {
    const model = createCooccurrenceModel(counts);
    expect(model.rulesFor('bread').map((r) => r.consequent)).toEqual(['butter', 'jam', 'milk']);
    expect(model.rulesFor('bread', { rankBy: 'lift' }).map((r) => [r.consequent, r.lift])).toEqual([
      ['butter', 1.5],
      ['jam', 1.5],
      ['milk', 0.5],
    ]);
    expect(model.rulesFor('bread', { limit: 1 }).map((r) => r.consequent)).toEqual(['butter']);
  });

  it('drops rules under the minimum support or count', () => {
    const model = createCooccurrenceModel(counts);
    expect(model.rulesFor('bread', { minSupport: 0.2 }).map((r) => r.consequent)).toEqual(['butter']);
    expect(model.rulesFor('bread', { minSupport: 0.5 }).map((r) => r.consequent)).toEqual(['butter']);
    expect(model.rulesFor('bread', { minSupport: 0.51 })).toEqual([]);
    expect(model.rulesFor('bread', { minCount: 2 }).map((r) => r.consequent)).toEqual(['butter']);
    expect(model.rulesFor('unknown-product')).toEqual([]);
    expect(model.productCount('jam')).toBe(1);
  });
});

describe('co-occurrence counter', () => {
  it('refuses a non-finite quantity', () => {
    const counter = createCooccurrenceCounter();
    expect(() => counter.add('o', 'p', Number.NaN)).toThrow(RangeError);
  });

  it('answers empty counts for no lines', () => {
    expect(createCooccurrenceCounter().finish()).toEqual({ orders: 0, products: [], pairs: [] });
  });

  it('agrees with a naive basket-by-basket count on random orders, in both storages', () => {
    // Small seeded generator so failures reproduce.
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const lines: [string, string, number][] = [];
    for (let i = 0; i < 3000; i++) lines.push([`o${rand(400)}`, `p${rand(60)}`, rand(5) - 1]);

    const net = new Map<string, Map<string, number>>();
    for (const [o, p, q] of lines) {
      const basket = net.get(o) ?? new Map<string, number>();
      basket.set(p, (basket.get(p) ?? 0) + q);
      net.set(o, basket);
    }
    const pairs = new Map<string, number>();
    let orders = 0;
    for (const basket of net.values()) {
      const items = [...basket].filter(([, q]) => q > 0).map(([p]) => p).sort();
      if (items.length > 0) orders++;
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++) pairs.set(`${items[i]}|${items[j]}`, (pairs.get(`${items[i]}|${items[j]}`) ?? 0) + 1);
    }

    for (const storage of ['dense', 'sparse'] as const) {
      const counts = countsOf(lines, storage);
      expect(counts.orders).toBe(orders);
      expect(new Map(counts.pairs.map((p) => [`${p.a}|${p.b}`, p.count]))).toEqual(pairs);
    }
  });
});

describe('associationMeasures', () => {
  it('is zero rather than NaN when a count is zero', () => {
    expect(associationMeasures(0, 3, 4, 10)).toEqual({ support: 0, confidence: 0, lift: 0 });
    expect(associationMeasures(2, 0, 4, 10)).toEqual({ support: 0, confidence: 0, lift: 0 });
  });

  it('is the textbook formula', () => {
    // 2 of 10 orders hold A and B; 4 hold A; 5 hold B.
    expect(associationMeasures(2, 4, 5, 10)).toEqual({ support: 0.2, confidence: 0.5, lift: 1 });
  });
});
