import { useEffect, useState } from 'preact/hooks';
import type { BoughtTogetherResponse, BoughtTogetherSettings, OrdersSummary, Product } from '@smartmirror/api';
import type { AdminApi } from '../api.ts';
import { t } from '../strings.ts';
import { ErrorLine, useAction } from '../ui.tsx';

/** Order history import, rule thresholds, and each product's partners with their scores. */
export function BoughtView({ api }: { api: AdminApi }) {
  const [summary, setSummary] = useState<OrdersSummary | null>(null);
  const [settings, setSettings] = useState<BoughtTogetherSettings | null>(null);
  const [catalog, setCatalog] = useState<Product[]>([]);
  const [productId, setProductId] = useState('');
  const [rules, setRules] = useState<BoughtTogetherResponse | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(async () => {
      const [s, b, p] = await Promise.all([api.orders(), api.boughtSettings(), api.products()]);
      setSummary(s);
      setSettings(b);
      setCatalog(p.products);
      setProductId(p.products[0]?.id ?? '');
    });
  }, [api, run]);
  useEffect(() => {
    if (productId) void run(async () => setRules(await api.boughtTogether(productId)));
  }, [api, run, productId, settings, summary]);

  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  return (
    <section>
      <h2>{t('boughtTitle')}</h2>
      <p class="muted">{t('boughtHelp')}</p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) void run(async () => setSummary(await api.importOrders(file)));
        }}
      >
        <input type="file" name="orders" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button type="submit" disabled={busy || !file}>
          {t('boughtImport')}
        </button>
      </form>
      <p role="status">{summary && summary.lines > 0 ? t('boughtSummary', { lines: summary.lines, orders: summary.orders, products: summary.products, pairs: summary.pairs }) : t('boughtNoOrders')}</p>
      <ErrorLine error={error} />
      {settings && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => setSettings(await api.setBoughtSettings(settings)));
          }}
        >
          <label>
            {t('boughtMinSupport')}
            <input
              type="number"
              min={0}
              max={1}
              step="0.001"
              value={settings.minSupport}
              onInput={(e) => setSettings({ ...settings, minSupport: Number(e.currentTarget.value) })}
            />
          </label>
          <label>
            {t('boughtMinCount')}
            <input
              type="number"
              min={1}
              step={1}
              value={settings.minCount}
              onInput={(e) => setSettings({ ...settings, minCount: Math.max(1, Math.round(Number(e.currentTarget.value))) })}
            />
          </label>
          <label>
            {t('boughtRankBy')}
            <select value={settings.rankBy} onChange={(e) => setSettings({ ...settings, rankBy: e.currentTarget.value as 'confidence' | 'lift' })}>
              <option value="confidence">{t('boughtConfidence')}</option>
              <option value="lift">{t('boughtLift')}</option>
            </select>
          </label>
          <button type="submit" disabled={busy}>
            {t('save')}
          </button>
        </form>
      )}
      <label>
        {t('boughtProduct')}
        <select name="product" value={productId} onChange={(e) => setProductId(e.currentTarget.value)}>
          {catalog.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <p class="muted">{t('boughtExplain')}</p>
      {rules && (
        <>
          <p>{t('boughtProductOrders', { count: rules.productOrders, orders: rules.orders })}</p>
          {rules.items.length === 0 ? (
            <p>{t('boughtNoRules')}</p>
          ) : (
            <table class="rules">
              <thead>
                <tr>
                  <th>{t('boughtPartner')}</th>
                  <th>{t('boughtCount')}</th>
                  <th>{t('boughtSupport')}</th>
                  <th>{t('boughtConfidence')}</th>
                  <th>{t('boughtLift')}</th>
                </tr>
              </thead>
              <tbody>
                {rules.items.map((r) => (
                  <tr key={r.productId}>
                    <td>{r.product?.name ?? r.productId}</td>
                    <td class="num">{r.count}</td>
                    <td class="num">{pct(r.support)}</td>
                    <td class="num">{pct(r.confidence)}</td>
                    <td class="num">{r.lift.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
