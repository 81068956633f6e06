import { useEffect, useState } from 'preact/hooks';
import type { Product, RecStrategy, ResolvedRecommendationsResponse } from '@smartmirror/api';
import type { AdminApi } from '../api.ts';
import { t } from '../strings.ts';
import { useServerEvents } from '../events.ts';
import { ErrorLine, ProductCard, useAction } from '../ui.tsx';

/** Moves item `from` to index `to` (pure, for drag-and-drop and the keyboard buttons). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= list.length || to < 0 || to >= list.length) return [...list];
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}

const DEFAULT_STRATEGY: RecStrategy = { strategy: 'manual', anchorProductId: null, limit: 6 };

/** Per label: the ranked manual list (drag or buttons), the strategy, and a preview in the mirror's look. */
export function RecommendationsView({ api }: { api: AdminApi }) {
  const [labels, setLabels] = useState<string[] | null>(null);
  const [label, setLabel] = useState('');
  const [catalog, setCatalog] = useState<Product[]>([]);
  const [ranked, setRanked] = useState<string[]>([]);
  const [strategy, setStrategy] = useState<RecStrategy>(DEFAULT_STRATEGY);
  const [preview, setPreview] = useState<ResolvedRecommendationsResponse | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(async () => {
      const [ls, ps] = await Promise.all([api.labels(), api.products()]);
      setLabels(ls.labels.map((l) => l.label));
      setCatalog(ps.products);
      const fromHash = decodeURIComponent(location.hash.split('/')[1] ?? '');
      setLabel(ls.labels.some((l) => l.label === fromHash) ? fromHash : (ls.labels[0]?.label ?? ''));
    });
  }, [api, run]);

  useEffect(() => {
    if (!label) return;
    setStatus(null);
    void run(async () => {
      const [s, r] = await Promise.all([api.strategy(label), api.resolved(label)]);
      setStrategy({ strategy: s.strategy, anchorProductId: s.anchorProductId, limit: s.limit });
      setRanked(r.items.filter((i) => i.source === 'manual').map((i) => i.product.id));
      setPreview(r);
    });
  }, [api, run, label]);

  // Another marketer (or new orders) may change what the mirror shows: refresh the preview only,
  // never the list being edited here.
  useServerEvents(
    ['recommendations.changed', 'catalog.changed'],
    () => void run(async () => setPreview(await api.resolved(label))),
    (type, data) => type !== 'recommendations.changed' || (data as { label: string }).label === label,
  );

  const byId = new Map(catalog.map((p) => [p.id, p]));
  const save = (): void => {
    void run(async () => {
      await api.setRecommendations(label, ranked);
      await api.setStrategy(label, strategy);
      setPreview(await api.resolved(label));
      setStatus(t('recsSaved'));
    });
  };

  if (labels === null) return <p>{t('loading')}</p>;
  if (labels.length === 0) return <p>{t('recsNoLabels')}</p>;
  return (
    <section class="recs">
      <h2>{t('recsTitle')}</h2>
      <label>
        {t('recsPickLabel')}
        <select name="label" value={label} onChange={(e) => setLabel(e.currentTarget.value)}>
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <div class="recs-layout">
        <div>
          <fieldset>
            <legend>{t('recsStrategy')}</legend>
            <select
              name="strategy"
              value={strategy.strategy}
              onChange={(e) => setStrategy({ ...strategy, strategy: e.currentTarget.value as RecStrategy['strategy'] })}
            >
              <option value="manual">{t('recsStrategyManual')}</option>
              <option value="bought-together">{t('recsStrategyBought')}</option>
              <option value="manual-then-bought-together">{t('recsStrategyBoth')}</option>
            </select>
            {strategy.strategy !== 'manual' && (
              <label>
                {t('recsAnchor')}
                <select
                  name="anchor"
                  value={strategy.anchorProductId ?? ''}
                  onChange={(e) => setStrategy({ ...strategy, anchorProductId: e.currentTarget.value || null })}
                >
                  <option value="">{t('none')}</option>
                  {catalog.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              {t('recsLimit')}
              <input
                type="number"
                name="limit"
                min={1}
                max={50}
                value={strategy.limit}
                onInput={(e) => setStrategy({ ...strategy, limit: Math.max(1, Math.min(50, Number(e.currentTarget.value) || 1)) })}
              />
            </label>
          </fieldset>
          <h3>{t('recsRanked')}</h3>
          {ranked.length === 0 && <p class="muted">{t('recsEmpty')}</p>}
          <ol class="ranked">
            {ranked.map((id, i) => {
              const name = byId.get(id)?.name ?? id;
              return (
                <li
                  key={id}
                  draggable
                  data-product-id={id}
                  class={dragFrom === i ? 'dragging' : ''}
                  onDragStart={(e) => {
                    setDragFrom(i);
                    e.dataTransfer?.setData('text/plain', String(i));
                  }}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={(e) => {
                    e.preventDefault();
                    const from = Number(e.dataTransfer?.getData('text/plain') ?? dragFrom);
                    setRanked(move(ranked, from, i));
                    setDragFrom(null);
                  }}
                  onDragEnd={() => setDragFrom(null)}
                >
                  <span class="grip" aria-hidden="true">
                    ⋮⋮
                  </span>
                  <span class="name">{name}</span>
                  <button type="button" aria-label={t('recsUp', { name })} disabled={i === 0} onClick={() => setRanked(move(ranked, i, i - 1))}>
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={t('recsDown', { name })}
                    disabled={i === ranked.length - 1}
                    onClick={() => setRanked(move(ranked, i, i + 1))}
                  >
                    ↓
                  </button>
                  <button type="button" aria-label={t('recsRemove', { name })} onClick={() => setRanked(ranked.filter((x) => x !== id))}>
                    ×
                  </button>
                </li>
              );
            })}
          </ol>
          <label>
            {t('recsAdd')}
            <select
              name="add"
              value=""
              onChange={(e) => {
                const id = e.currentTarget.value;
                if (id && !ranked.includes(id)) setRanked([...ranked, id]);
              }}
            >
              <option value="">{t('recsAddPick')}</option>
              {catalog
                .filter((p) => !ranked.includes(p.id))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" class="primary" disabled={busy} onClick={save}>
            {t('save')}
          </button>
          {status && <p role="status">{status}</p>}
          <ErrorLine error={error} />
        </div>
        <div class="mirror-preview" aria-label={t('recsPreview')}>
          <h3>{t('recsPreview')}</h3>
          <div class="mirror">
            <h4>{t('recsPreviewTitle', { label })}</h4>
            <div class="cards">
              {preview?.items.map((item) => (
                <ProductCard
                  key={item.product.id}
                  product={item.product}
                  badge={
                    item.source === 'manual'
                      ? t('recsSourceManual')
                      : `${t('recsSourceBought')} · ${t('boughtConfidence')} ${((item.scores?.confidence ?? 0) * 100).toFixed(0)}% · ${t('boughtLift')} ${(item.scores?.lift ?? 0).toFixed(2)}`
                  }
                />
              ))}
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
