import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CatalogImportResponse, Product } from '@smartmirror/api';
import type { AdminApi } from '../api.ts';
import { t } from '../strings.ts';
import { useServerEvents } from '../events.ts';
import { ErrorLine, ProductCard, useAction } from '../ui.tsx';

interface Draft {
  id: string;
  name: string;
  description: string;
  price: string;
  tags: string;
}
const EMPTY: Draft = { id: '', name: '', description: '', price: '', tags: '' };

function toDraft(p: Product): Draft {
  return { id: p.id, name: p.name, description: p.description, price: p.price === null ? '' : String(p.price), tags: p.tags.join(', ') };
}

function ProductForm({ api, editing, onDone }: { api: AdminApi; editing: Product | null; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft>(editing ? toDraft(editing) : EMPTY);
  const [image, setImage] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => setDraft(editing ? toDraft(editing) : EMPTY), [editing]);
  const field = (key: keyof Draft) => ({
    value: draft[key],
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => setDraft({ ...draft, [key]: e.currentTarget.value }),
  });
  return (
    <form
      class="product-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const fields = {
            name: draft.name,
            description: draft.description,
            price: draft.price.trim() === '' ? null : Number(draft.price),
            tags: draft.tags.split(',').map((s) => s.trim()).filter(Boolean),
          };
          const saved = editing
            ? await api.updateProduct(editing.id, fields)
            : await api.createProduct(draft.id.trim() ? { ...fields, id: draft.id.trim() } : fields);
          if (image) await api.setProductImage(saved.id, image);
          setDraft(EMPTY);
          setImage(null);
          onDone();
        });
      }}
    >
      <h3>{editing ? t('edit') : t('productNew')}</h3>
      {!editing && (
        <label>
          {t('productId')}
          <input {...field('id')} />
        </label>
      )}
      <label>
        {t('productName')}
        <input {...field('name')} required maxLength={200} />
      </label>
      <label>
        {t('productDescription')}
        <textarea {...field('description')} maxLength={5000} rows={3} />
      </label>
      <label>
        {t('productPrice')}
        <input {...field('price')} type="number" min="0" step="0.01" />
      </label>
      <label>
        {t('productTags')}
        <input {...field('tags')} />
      </label>
      <label>
        {t('productImage')}
        <input type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setImage(e.currentTarget.files?.[0] ?? null)} />
      </label>
      <div class="row">
        <button type="submit" disabled={busy}>
          {editing ? t('save') : t('create')}
        </button>
        {editing && (
          <button type="button" onClick={onDone}>
            {t('cancel')}
          </button>
        )}
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

function BulkImport({ api, onDone }: { api: AdminApi; onDone: () => void }) {
  const [manifest, setManifest] = useState<File | null>(null);
  const [images, setImages] = useState<File[]>([]);
  const [preview, setPreview] = useState<CatalogImportResponse | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const addImages = (list: FileList | null): void => {
    // A folder pick also lists non-images (notes, .DS_Store): keep images and zips only.
    setImages([...images, ...Array.from(list ?? []).filter((f) => f.type.startsWith('image/') || /\.zip$/i.test(f.name))]);
    setPreview(null);
  };
  return (
    <section class="import">
      <h2>{t('importTitle')}</h2>
      <p class="muted">{t('importHelp')}</p>
      <label>
        {t('importManifest')}
        <input
          type="file"
          name="manifest"
          accept=".csv,.json,text/csv,application/json"
          onChange={(e) => {
            setManifest(e.currentTarget.files?.[0] ?? null);
            setPreview(null);
          }}
        />
      </label>
      <label>
        {t('importImages')}
        <input type="file" name="images" multiple accept="image/*,.zip,application/zip" onChange={(e) => addImages(e.currentTarget.files)} />
      </label>
      <label>
        {t('importFolder')}
        <input type="file" name="folder" multiple {...{ webkitdirectory: '' }} onChange={(e) => addImages(e.currentTarget.files)} />
      </label>
      <button
        type="button"
        disabled={busy || !manifest}
        onClick={() => {
          setDone(null);
          if (manifest) void run(async () => setPreview(await api.importCatalog('preview', manifest, images)));
        }}
      >
        {t('importPreview')}
      </button>
      <ErrorLine error={error} />
      {done && <p role="status">{done}</p>}
      {preview && (
        <>
          <p role="status">{t('importSummary', { creates: preview.creates, updates: preview.updates, errors: preview.errors })}</p>
          {preview.unusedImages.length > 0 && <p class="muted">{t('importUnused', { names: preview.unusedImages.join(', ') })}</p>}
          <table class="preview">
            <thead>
              <tr>
                <th>{t('importRow')}</th>
                <th>{t('importAction')}</th>
                <th>{t('productName')}</th>
                <th>{t('productPrice')}</th>
                <th>{t('productImage')}</th>
                <th>{t('importErrors')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.row} class={r.action === 'error' ? 'bad' : ''}>
                  <td>{r.row}</td>
                  <td>{r.action === 'create' ? t('importCreate') : r.action === 'update' ? t('importUpdate') : t('importError')}</td>
                  <td>{r.name}</td>
                  <td>{r.price ?? ''}</td>
                  <td>{r.image ?? ''}</td>
                  <td>{r.errors.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            disabled={busy || preview.errors > 0 || !manifest}
            onClick={() => {
              if (!manifest) return;
              if (preview.errors > 0) return setError(t('importFixFirst'));
              void run(async () => {
                const res = await api.importCatalog('commit', manifest, images);
                setPreview(null);
                setDone(t('importDone', { count: res.creates + res.updates }));
                onDone();
              });
            }}
          >
            {t('importCommit', { count: preview.creates + preview.updates })}
          </button>
        </>
      )}
    </section>
  );
}

/** Products: cards with edit and delete, a form for one product, bulk import with preview. */
export function CatalogView({ api }: { api: AdminApi }) {
  const [products, setProducts] = useState<Product[] | null>(null);
  const [editing, setEditing] = useState<Product | null>(null);
  const { error, run } = useAction();
  const load = useCallback(() => void run(async () => setProducts((await api.products()).products)), [api, run]);
  useEffect(load, [load]);
  useServerEvents(['catalog.changed'], load);
  return (
    <section>
      <h2>{t('catalogTitle')}</h2>
      <ErrorLine error={error} />
      <BulkImport api={api} onDone={load} />
      <div class="catalog-layout">
        <div>
          {products === null ? (
            <p>{t('loading')}</p>
          ) : products.length === 0 ? (
            <p>{t('catalogEmpty')}</p>
          ) : (
            <ul class="cards">
              {products.map((p) => (
                <li key={p.id}>
                  <ProductCard product={p} />
                  <div class="row">
                    <button type="button" onClick={() => setEditing(p)}>
                      {t('edit')}
                    </button>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => {
                        if (!confirm(t('confirmDelete', { name: p.name }))) return;
                        void run(async () => {
                          await api.deleteProduct(p.id);
                          load();
                        });
                      }}
                    >
                      {t('delete')}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
        <aside>
          <ProductForm
            api={api}
            editing={editing}
            onDone={() => {
              setEditing(null);
              load();
            }}
          />
        </aside>
      </div>
    </section>
  );
}
