import { useEffect, useRef, useState } from 'preact/hooks';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { AnalyticsResponse } from '@smartmirror/api';
import type { AdminApi, AnalyticsRange } from '../api.ts';
import { t } from '../strings.ts';
import { ErrorLine, useAction } from '../ui.tsx';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const DAY_MS = 86_400_000;
const dateInput = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Recognitions, unknown rate, impressions and teaching over a date range, with a CSV export. */
export function AnalyticsView({ api }: { api: AdminApi }) {
  const [from, setFrom] = useState(dateInput(Date.now() - 6 * DAY_MS));
  const [to, setTo] = useState(dateInput(Date.now()));
  const [bucket, setBucket] = useState<'hour' | 'day'>('day');
  const [data, setData] = useState<AnalyticsResponse | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { error, run } = useAction();
  // The end date is inclusive for people and exclusive for the API: add one day.
  const range: AnalyticsRange = {
    from: `${from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString(),
    bucket,
  };

  useEffect(() => {
    void run(async () => setData(await api.analytics(range)));
  }, [api, run, from, to, bucket]);

  useEffect(() => {
    if (!data || !canvas.current) return;
    const labels = data.buckets.map((b) => (bucket === 'hour' ? b.start.slice(5, 13).replace('T', ' ') + 'h' : b.start.slice(0, 10)));
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: t('analyticsRecognitions'), data: data.buckets.map((b) => b.recognitions), backgroundColor: '#2563eb' },
          { label: t('analyticsUnknown'), data: data.buckets.map((b) => b.unknown), backgroundColor: '#9ca3af' },
          { label: t('analyticsImpressions'), data: data.buckets.map((b) => b.impressions), backgroundColor: '#16a34a' },
          { label: t('analyticsTeaching'), data: data.buckets.map((b) => b.teaching), backgroundColor: '#d97706' },
        ],
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
    return () => chart.destroy();
  }, [data, bucket]);

  return (
    <section>
      <h2>{t('analyticsTitle')}</h2>
      <form class="row" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('analyticsFrom')}
          <input type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('analyticsTo')}
          <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          {t('analyticsBucket')}
          <select value={bucket} onChange={(e) => setBucket(e.currentTarget.value as 'hour' | 'day')}>
            <option value="day">{t('analyticsDay')}</option>
            <option value="hour">{t('analyticsHour')}</option>
          </select>
        </label>
        <a class="button" href={api.analyticsCsvUrl(range)} download="analytics.csv">
          {t('analyticsExport')}
        </a>
      </form>
      <ErrorLine error={error} />
      {data && (
        <>
          <p>
            {t('analyticsRecognitions')}: {data.totals.recognitions} · {t('analyticsUnknownRate', { rate: `${(data.totals.unknownRate * 100).toFixed(1)}%` })} ·{' '}
            {t('analyticsImpressions')}: {data.totals.impressions} · {t('analyticsTeaching')}: {data.totals.teaching}
          </p>
          <div class="chart">
            <canvas ref={canvas} />
          </div>
          <h3>{t('analyticsPerLabel')}</h3>
          <table>
            <thead>
              <tr>
                <th>{t('analyticsLabel')}</th>
                <th>{t('analyticsRecognitions')}</th>
                <th>{t('analyticsImpressions')}</th>
                <th>{t('analyticsTeaching')}</th>
              </tr>
            </thead>
            <tbody>
              {data.perLabel.map((l) => (
                <tr key={l.label}>
                  <td>{l.label}</td>
                  <td class="num">{l.recognitions}</td>
                  <td class="num">{l.impressions}</td>
                  <td class="num">{l.teaching}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
