// Bulk catalog import: a manifest (CSV or JSON) plus image files. The same parse-and-check runs
// for the preview and for the commit, and the commit writes every row in one transaction or none.
import { AppError, ProductInput, type CatalogImportResponse, type CatalogImportRow } from '@smartmirror/api';
import { sniffImageType } from '@smartmirror/node';
import { unzipSync } from 'fflate';
import type { Clock, Ids } from '../../deps.ts';
import { MAX_PRODUCT_IMAGE_BYTES } from '../../services/catalog.ts';
import type { EventHub } from '../../sse.ts';
import type { ProductRecord, Repositories } from '../../store/types.ts';
import { parseCsv } from './csv.ts';

/** Most rows one import may hold. */
export const MAX_IMPORT_ROWS = 5000;

/** Most bytes the images of one zip may expand to (a zip bomb stops here). */
export const MAX_ZIP_EXPANDED_BYTES = 1024 * 1024 * 1024;

/** An uploaded file of the import. */
export interface ImportFile {
  name: string;
  bytes: Uint8Array;
}

/** The catalog import service. */
export interface CatalogImportService {
  /** Parses and checks everything, writes nothing. */
  preview(manifest: ImportFile, images: readonly ImportFile[]): Promise<CatalogImportResponse>;
  /** Same checks; refuses (VALIDATION_FAILED with the rows as details) unless every row is valid, then writes all rows at once. */
  commit(manifest: ImportFile, images: readonly ImportFile[]): Promise<CatalogImportResponse>;
}

const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' } as const;

interface RawRow {
  id?: unknown;
  name?: unknown;
  description?: unknown;
  price?: unknown;
  tags?: unknown;
  image?: unknown;
}

/** The last path segment, so "photos/Banana.jpg" and a folder upload's "Banana.jpg" match. */
function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Reads the manifest's rows (CSV with a header line, or a JSON array / {products: [...]}) or throws one readable error. */
export function readManifest(file: ImportFile): RawRow[] {
  const text = new TextDecoder('utf-8').decode(file.bytes);
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  let rows: RawRow[];
  if (file.name.toLowerCase().endsWith('.json') || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new AppError('VALIDATION_FAILED', `${file.name} is not valid JSON.`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { products?: unknown } | null)?.products;
    if (!Array.isArray(list)) throw new AppError('VALIDATION_FAILED', `${file.name} must hold an array of products (or {"products": [...]}).`);
    rows = list.map((r) => (r !== null && typeof r === 'object' ? (r as RawRow) : {}));
  } else {
    const table = parseCsv(text).filter((r) => r.some((f) => f.trim() !== ''));
    const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
    if (!header.includes('name')) throw new AppError('VALIDATION_FAILED', `${file.name}: the first line must name the columns, including "name".`);
    rows = table.slice(1).map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])) as RawRow);
  }
  if (rows.length === 0) throw new AppError('VALIDATION_FAILED', `${file.name} holds no products.`);
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('VALIDATION_FAILED', `${file.name} holds ${rows.length} products; at most ${MAX_IMPORT_ROWS} per import.`);
  return rows;
}

const isZip = (b: Uint8Array): boolean => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Replaces every zip among the uploads by the files inside it (folders flattened, hidden files skipped). */
export function expandZips(files: readonly ImportFile[]): ImportFile[] {
  const out: ImportFile[] = [];
  for (const f of files) {
    if (!isZip(f.bytes)) {
      out.push(f);
      continue;
    }
    let total = 0;
    let count = 0;
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(f.bytes, {
        filter: (e) => {
          const name = baseName(e.name);
          if (e.name.endsWith('/') || e.name.startsWith('__MACOSX/') || name.startsWith('.')) return false;
          total += e.originalSize;
          count++;
          if (e.originalSize > MAX_PRODUCT_IMAGE_BYTES || total > MAX_ZIP_EXPANDED_BYTES || count > MAX_IMPORT_ROWS) {
            throw new AppError('VALIDATION_FAILED', `${f.name} holds too much: at most ${MAX_IMPORT_ROWS} images of ${MAX_PRODUCT_IMAGE_BYTES} bytes each.`);
          }
          return true;
        },
      });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('VALIDATION_FAILED', `${f.name} is not a readable zip file.`, { cause: err });
    }
    for (const [name, bytes] of Object.entries(entries)) out.push({ name: baseName(name), bytes });
  }
  return out;
}

interface CheckedRow extends CatalogImportRow {
  image_: { bytes: Uint8Array; type: string } | null;
}

/** Creates the service. */
export function createCatalogImportService(deps: { repos: Repositories; clock: Clock; ids: Ids; events: EventHub }): CatalogImportService {
  const { repos, clock, ids, events } = deps;

  async function check(manifest: ImportFile, uploads: readonly ImportFile[]): Promise<{ rows: CheckedRow[]; unused: string[] }> {
    const raw = readManifest(manifest);
    const images = expandZips(uploads);
    const byName = new Map<string, ImportFile>();
    for (const img of images) byName.set(baseName(img.name).toLowerCase(), img);
    const used = new Set<string>();
    const existing = new Set((await repos.products.list()).map((p) => p.id));
    const seenIds = new Set<string>();
    const rows: CheckedRow[] = [];
    for (const [i, r] of raw.entries()) {
      const errors: string[] = [];
      const priceText = str(r.price).trim();
      const price = typeof r.price === 'number' ? r.price : priceText === '' ? null : Number(priceText.replace(',', '.'));
      if (price !== null && !Number.isFinite(price)) errors.push(`price "${priceText}" is not a number`);
      const tags = Array.isArray(r.tags)
        ? r.tags.map(str)
        : str(r.tags)
            .split(/[;|,]/)
            .map((s) => s.trim())
            .filter(Boolean);
      const idText = str(r.id).trim();
      const input = {
        ...(idText ? { id: idText } : {}),
        name: str(r.name),
        description: str(r.description),
        price: price !== null && Number.isFinite(price) ? price : null,
        tags,
      };
      const parsed = ProductInput.safeParse(input);
      if (!parsed.success) for (const issue of parsed.error.issues) errors.push(`${issue.path.join('.') || 'row'}: ${issue.message}`);
      if (idText) {
        if (seenIds.has(idText)) errors.push(`id ${idText} appears twice in the file`);
        seenIds.add(idText);
      }
      const imageName = str(r.image).trim();
      let image: CheckedRow['image_'] = null;
      if (imageName) {
        const file = byName.get(baseName(imageName).toLowerCase());
        if (!file) errors.push(`image ${imageName} was not uploaded`);
        else {
          used.add(baseName(file.name).toLowerCase());
          const kind = sniffImageType(file.bytes);
          if (kind === null) errors.push(`image ${imageName} is not a JPEG, PNG, WebP or GIF`);
          else if (file.bytes.length > MAX_PRODUCT_IMAGE_BYTES) errors.push(`image ${imageName} is larger than ${MAX_PRODUCT_IMAGE_BYTES} bytes`);
          else image = { bytes: file.bytes, type: MIME[kind] };
        }
      }
      rows.push({
        row: i + 1,
        id: idText || null,
        name: parsed.success ? parsed.data.name : str(r.name),
        description: input.description,
        price: input.price,
        tags,
        image: imageName || null,
        action: errors.length > 0 ? 'error' : idText && existing.has(idText) ? 'update' : 'create',
        errors,
        image_: image,
      });
    }
    const unused = images.map((f) => baseName(f.name)).filter((n) => !used.has(n.toLowerCase()));
    return { rows, unused };
  }

  const answer = (rows: CheckedRow[], unused: string[], committed: boolean): CatalogImportResponse => ({
    committed,
    rows: rows.map(({ image_: _image, ...r }) => r),
    creates: rows.filter((r) => r.action === 'create').length,
    updates: rows.filter((r) => r.action === 'update').length,
    errors: rows.filter((r) => r.action === 'error').length,
    unusedImages: unused,
  });

  return {
    async preview(manifest, images) {
      const { rows, unused } = await check(manifest, images);
      return answer(rows, unused, false);
    },
    async commit(manifest, images) {
      const { rows, unused } = await check(manifest, images);
      const preview = answer(rows, unused, false);
      if (preview.errors > 0) {
        throw new AppError('VALIDATION_FAILED', `${preview.errors} of ${rows.length} rows have errors; nothing was imported.`, { details: preview });
      }
      const at = clock.now().toISOString();
      const products: (ProductRecord & { image: Uint8Array | null })[] = [];
      for (const r of rows) {
        const old = r.id ? await repos.products.get(r.id) : null;
        // The store's upsert replaces the image column: keep the old image when the row names none.
        const keep = old && !r.image_ ? await repos.products.image(old.id) : null;
        const image = r.image_ ?? keep;
        products.push({
          id: r.id ?? ids.uuid(),
          name: r.name,
          description: r.description,
          price: r.price,
          tags: r.tags,
          imageType: image?.type ?? null,
          imageVersion: (old?.imageVersion ?? 0) + 1,
          createdAt: old?.createdAt ?? at,
          updatedAt: at,
          image: image?.bytes ?? null,
        });
      }
      // One transaction for every row: the catalog never shows half an import.
      await repos.transfer.load({ labels: [], examples: [], products, recommendations: [] }, 'merge');
      events.send('catalog.changed', { productIds: products.map((p) => p.id) });
      const done = answer(rows, unused, true);
      return { ...done, rows: done.rows.map((r, i) => ({ ...r, id: products[i]?.id ?? r.id })) };
    },
  };
}
