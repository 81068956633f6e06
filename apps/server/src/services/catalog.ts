import { AppError, type Product, type ProductPatch } from '@smartmirror/api';
import { decodeImage, sniffImageType } from '@smartmirror/node';
import type { Clock, Ids } from '../deps.ts';
import type { EventHub } from '../sse.ts';
import type { ProductRecord, Repositories } from '../store/types.ts';

/** Largest product image, bytes (catalog photos, not camera uploads). */
export const MAX_PRODUCT_IMAGE_BYTES = 8 * 1024 * 1024;

/** A new product after validation (defaults applied). */
export interface NewProduct {
  id?: string | undefined;
  name: string;
  description: string;
  price: number | null;
  tags: string[];
}

/** Products and the ranked recommendations of each label. */
export interface CatalogService {
  list(): Promise<Product[]>;
  get(id: string): Promise<Product>;
  create(input: NewProduct): Promise<Product>;
  update(id: string, patch: ProductPatch): Promise<Product>;
  remove(id: string): Promise<void>;
  setImage(id: string, bytes: Uint8Array): Promise<Product>;
  image(id: string): Promise<{ bytes: Uint8Array; type: string }>;
  recommendations(label: string): Promise<Product[]>;
  setRecommendations(label: string, productIds: readonly string[]): Promise<Product[]>;
  /**
   * Hands `recommendations(label)` to another resolver (the back office's per-label strategies:
   * manual, bought-together, or both); it receives the manual ranking as a fallback.
   */
  setRecommendationSource(source: (label: string, manual: () => Promise<Product[]>) => Promise<Product[]>): void;
}

/** The public view of a product; the image URL changes with the image so it can be cached forever. */
export function productView(p: ProductRecord): Product {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    price: p.price,
    imageUrl: p.imageType ? `/api/products/${encodeURIComponent(p.id)}/image?v=${p.imageVersion}` : null,
    tags: p.tags,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

const IMAGE_MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' } as const;

/** Creates the catalog service. */
export function createCatalogService(deps: { repos: Repositories; clock: Clock; ids: Ids; events: EventHub; maxImagePixels: number }): CatalogService {
  const { repos, clock, ids, events } = deps;
  const now = (): string => clock.now().toISOString();
  const mustGet = async (id: string): Promise<ProductRecord> => {
    const p = await repos.products.get(id);
    if (!p) throw new AppError('PRODUCT_NOT_FOUND', `No product ${id}.`);
    return p;
  };
  let source: ((label: string, manual: () => Promise<Product[]>) => Promise<Product[]>) | null = null;
  return {
    list: async () => (await repos.products.list()).map(productView),
    get: async (id) => productView(await mustGet(id)),
    async create(input) {
      const id = input.id ?? ids.uuid();
      if (await repos.products.get(id)) throw new AppError('CONFLICT', `A product with id ${id} exists.`);
      const at = now();
      const p = await repos.products.create({ id, name: input.name, description: input.description, price: input.price, tags: input.tags, createdAt: at, updatedAt: at });
      events.send('catalog.changed', { productIds: [id] });
      return productView(p);
    },
    async update(id, patch) {
      const p = await repos.products.update(id, patch, now());
      if (!p) throw new AppError('PRODUCT_NOT_FOUND', `No product ${id}.`);
      events.send('catalog.changed', { productIds: [id] });
      return productView(p);
    },
    async remove(id) {
      if (!(await repos.products.remove(id))) throw new AppError('PRODUCT_NOT_FOUND', `No product ${id}.`);
      events.send('catalog.changed', { productIds: [id] });
    },
    async setImage(id, bytes) {
      await mustGet(id);
      const type = sniffImageType(bytes);
      if (type === null) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The product image is not a JPEG, PNG, WebP or GIF.');
      if (bytes.length > MAX_PRODUCT_IMAGE_BYTES) throw new AppError('IMAGE_TOO_LARGE', `Product images are limited to ${MAX_PRODUCT_IMAGE_BYTES} bytes.`);
      // Kiosks display these bytes as they are: decode once here so a corrupt file or a
      // decompression bomb is refused now instead of freezing a kiosk later.
      await decodeImage(bytes, { maxPixels: deps.maxImagePixels });
      const p = await repos.products.setImage(id, { bytes, type: IMAGE_MIME[type] }, now());
      if (!p) throw new AppError('PRODUCT_NOT_FOUND', `No product ${id}.`);
      events.send('catalog.changed', { productIds: [id] });
      return productView(p);
    },
    async image(id) {
      const img = await repos.products.image(id);
      if (!img) throw new AppError('NOT_FOUND', `Product ${id} has no image.`);
      return img;
    },
    recommendations: async (label) => {
      const manual = async (): Promise<Product[]> => (await repos.products.getMany(await repos.recommendations.get(label))).map(productView);
      return source ? source(label, manual) : manual();
    },
    setRecommendationSource(next) {
      source = next;
    },
    async setRecommendations(label, productIds) {
      if (new Set(productIds).size !== productIds.length) throw new AppError('VALIDATION_FAILED', 'A product appears twice in the ranking.');
      const found = await repos.products.getMany(productIds);
      if (found.length !== productIds.length) {
        const known = new Set(found.map((p) => p.id));
        throw new AppError('PRODUCT_NOT_FOUND', `Unknown product ${productIds.find((id) => !known.has(id)) ?? ''}.`);
      }
      await repos.recommendations.set(label, productIds, now());
      events.send('recommendations.changed', { label });
      return found.map(productView);
    },
  };
}
