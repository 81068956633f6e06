// The demo catalog: what a fresh mirror shows before a marketer has entered anything. Every
// product is drawn by draw.ts (no photos to license), so showing its image on a phone or a
// printout to the camera is recognised from the first start.

/** How draw.ts renders a product. */
export type DemoArt = 'banana' | 'apple' | 'orange' | 'avocado' | 'tomato' | 'carton' | 'tub' | 'box' | 'bag' | 'bottle';

/** The full-bleed pattern behind a product's illustration: what tells the drawings apart most for a CNN. */
export type DemoPattern = 'stripes' | 'dots' | 'checks' | 'chevrons' | 'bands' | 'waves' | 'rays' | 'diamonds' | 'bricks' | 'scales' | 'bubbles';

/** One demo product with its illustration and recommendations. */
export interface DemoProduct {
  /** Stable id (a SKU-like slug). */
  id: string;
  /** Shown name; also the label taught from its drawing. */
  name: string;
  description: string;
  /** Price in the shop currency. */
  price: number;
  tags: string[];
  art: DemoArt;
  /** Main and accent colours of the drawing (CSS colours). */
  colours: readonly [string, string];
  /** Background pattern and its two colours; every product has its own pattern and colour pair. */
  pattern: { kind: DemoPattern; colours: readonly [string, string] };
  /** Lower-case words matched against dataset folder names by `demo seed --from`. */
  keywords: readonly string[];
  /** Ids of the products recommended when this product is recognised, best first. */
  recommends: readonly string[];
}

/** The demo catalog (11 products), in display order. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  {
    id: 'demo-banana',
    name: 'Bananas',
    description: 'Sweet organic bananas, ripe and ready. A quick breakfast on the go.',
    price: 1.99,
    tags: ['fruit', 'organic', 'breakfast'],
    art: 'banana',
    colours: ['#f7d538', '#6b4f1d'],
    pattern: { kind: 'stripes', colours: ['#ffd600', '#1a1a1a'] },
    keywords: ['banana'],
    recommends: ['demo-granola', 'demo-yoghurt', 'demo-oat-milk'],
  },
  {
    id: 'demo-apple',
    name: 'Red Apples',
    description: 'Crisp red apples from local orchards, sold by the piece.',
    price: 0.59,
    tags: ['fruit', 'local'],
    art: 'apple',
    colours: ['#d7263d', '#2e7d32'],
    pattern: { kind: 'dots', colours: ['#b71c1c', '#ffffff'] },
    keywords: ['apple', 'delicious', 'gala', 'lady', 'smith', 'granny', 'pink', 'royal', 'anjou', 'conference', 'kaiser', 'pear'],
    recommends: ['demo-granola', 'demo-yoghurt', 'demo-orange-juice'],
  },
  {
    id: 'demo-orange',
    name: 'Navel Oranges',
    description: 'Juicy seedless navel oranges, full of vitamin C.',
    price: 2.49,
    tags: ['fruit', 'citrus'],
    art: 'orange',
    colours: ['#f28c28', '#2e7d32'],
    pattern: { kind: 'checks', colours: ['#ff8f00', '#00695c'] },
    keywords: ['orange', 'satsumas', 'mandarin', 'lemon', 'lime', 'grapefruit', 'nectarine', 'peach', 'plum'],
    recommends: ['demo-orange-juice', 'demo-water', 'demo-granola'],
  },
  {
    id: 'demo-avocado',
    name: 'Avocados',
    description: 'Creamy Hass avocados, ripe in two days. Perfect on toast.',
    price: 1.49,
    tags: ['fruit', 'vegan'],
    art: 'avocado',
    colours: ['#3b5d22', '#c8d96f'],
    pattern: { kind: 'chevrons', colours: ['#1b5e20', '#c6ff00'] },
    keywords: ['avocado', 'mango', 'papaya', 'kiwi', 'passion', 'pineapple', 'melon', 'watermelon', 'cantaloupe', 'honeydew', 'galia', 'pomegranate'],
    recommends: ['demo-tomato', 'demo-water', 'demo-coffee'],
  },
  {
    id: 'demo-tomato',
    name: 'Vine Tomatoes',
    description: 'Sun-ripened tomatoes on the vine, full of flavour.',
    price: 2.99,
    tags: ['vegetables', 'local'],
    art: 'tomato',
    colours: ['#e53935', '#388e3c'],
    pattern: { kind: 'bands', colours: ['#d50000', '#00c853'] },
    keywords: ['tomato', 'pepper', 'cucumber', 'zucchini', 'aubergine', 'asparagus', 'cabbage', 'carrots', 'garlic', 'ginger', 'leek', 'onion', 'potato', 'beet', 'mushroom'],
    recommends: ['demo-avocado', 'demo-water', 'demo-oat-milk'],
  },
  {
    id: 'demo-oat-milk',
    name: 'Oat Milk',
    description: 'Creamy oat drink, 1 litre. Foams well for coffee.',
    price: 1.89,
    tags: ['dairy-free', 'vegan', 'breakfast'],
    art: 'carton',
    colours: ['#1e4f9c', '#e8eef7'],
    pattern: { kind: 'waves', colours: ['#0d47a1', '#ffffff'] },
    keywords: ['milk', 'oat', 'oatly', 'soy', 'arla', 'garant', 'alpro', 'medium', 'standard', 'lactose', 'sour'],
    recommends: ['demo-coffee', 'demo-granola', 'demo-banana'],
  },
  {
    id: 'demo-orange-juice',
    name: 'Orange Juice',
    description: 'Freshly squeezed orange juice, no added sugar, 1 litre.',
    price: 2.79,
    tags: ['drinks', 'breakfast'],
    art: 'carton',
    colours: ['#f57c00', '#fff3d6'],
    pattern: { kind: 'rays', colours: ['#ff6d00', '#ffea00'] },
    keywords: ['juice', 'tropicana', 'bravo', 'god', 'morgon', 'smooth'],
    recommends: ['demo-orange', 'demo-granola', 'demo-coffee'],
  },
  {
    id: 'demo-yoghurt',
    name: 'Vanilla Yoghurt',
    description: 'Mild vanilla yoghurt, 500 g. Great with granola and fruit.',
    price: 1.59,
    tags: ['dairy', 'breakfast'],
    art: 'tub',
    colours: ['#f5f0e1', '#8e44ad'],
    pattern: { kind: 'diamonds', colours: ['#6a1b9a', '#fff8e1'] },
    keywords: ['yoghurt', 'soyghurt', 'oatghurt', 'natural', 'yoggi', 'cream', 'vanilla', 'strawberry', 'blueberry'],
    recommends: ['demo-granola', 'demo-banana', 'demo-apple'],
  },
  {
    id: 'demo-granola',
    name: 'Crunchy Granola',
    description: 'Oven-baked oat clusters with honey and almonds, 750 g.',
    price: 3.99,
    tags: ['breakfast', 'cereal'],
    art: 'box',
    colours: ['#b5651d', '#ffe0a3'],
    pattern: { kind: 'bricks', colours: ['#8d4e1a', '#ffcc80'] },
    keywords: ['granola', 'cereal', 'muesli'],
    recommends: ['demo-yoghurt', 'demo-oat-milk', 'demo-banana'],
  },
  {
    id: 'demo-coffee',
    name: 'Coffee Beans',
    description: 'Medium roast whole beans, 250 g. Notes of chocolate and nuts.',
    price: 5.49,
    tags: ['coffee', 'fair-trade'],
    art: 'bag',
    colours: ['#3e2723', '#d7a86e'],
    pattern: { kind: 'scales', colours: ['#2d1b14', '#c68b59'] },
    keywords: ['coffee', 'beans', 'espresso'],
    recommends: ['demo-oat-milk', 'demo-granola'],
  },
  {
    id: 'demo-water',
    name: 'Sparkling Water',
    description: 'Naturally sparkling mineral water, 1.5 litre.',
    price: 0.89,
    tags: ['drinks'],
    art: 'bottle',
    colours: ['#4fc3f7', '#0d47a1'],
    pattern: { kind: 'bubbles', colours: ['#01579b', '#80deea'] },
    keywords: ['water', 'sparkling', 'mineral'],
    recommends: ['demo-orange', 'demo-avocado'],
  },
];

/** Products recommended for a dataset label that matches no demo product, best first. */
export const DEMO_FEATURED: readonly string[] = ['demo-granola', 'demo-oat-milk', 'demo-orange-juice'];

/**
 * The demo product a folder name like "Oatly-Oat-Milk" or "Bravo-Orange-Juice" is about: the one
 * sharing the most keywords with the name's words (ties: catalog order), or null when none shares any.
 */
export function matchDemoProduct(label: string): DemoProduct | null {
  const words = label.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  let best: DemoProduct | null = null;
  let bestScore = 0;
  for (const p of DEMO_PRODUCTS) {
    const score = words.filter((w) => p.keywords.includes(w)).length;
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/** Ranked product ids to recommend for a dataset label: its matching product first, then that product's picks. */
export function recommendationsForLabel(label: string, max = 4): string[] {
  const match = matchDemoProduct(label);
  const ids = match ? [match.id, ...match.recommends] : [...DEMO_FEATURED];
  return [...new Set(ids)].slice(0, max);
}
