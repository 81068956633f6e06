// Analytics of the back office: recognitions, unknown rate, impressions and teaching per time
// bucket (UTC) and per label, as JSON for the charts and as CSV for spreadsheets.
import { AppError, type AnalyticsResponse } from '@smartmirror/api';
import type { Clock } from '../../deps.ts';
import { toCsv } from './csv.ts';
import type { AnalyticsRepository } from './repository.ts';

/** Most buckets one answer may hold (93 days of hours). */
export const MAX_BUCKETS = 93 * 24;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The analytics service. */
export interface AnalyticsService {
  report(query: { from?: string | undefined; to?: string | undefined; bucket: 'hour' | 'day' }): Promise<AnalyticsResponse>;
  /** One line per bucket and label (bucket totals on lines with an empty label). */
  csv(query: { from?: string | undefined; to?: string | undefined; bucket: 'hour' | 'day' }): Promise<string>;
}

type Kind = 'recognitions' | 'unknown' | 'impressions' | 'teaching';
const KIND: Record<'recognition' | 'unknown' | 'impression' | 'teaching', Kind> = {
  recognition: 'recognitions',
  unknown: 'unknown',
  impression: 'impressions',
  teaching: 'teaching',
};

/** Creates the service. */
export function createAnalyticsService(deps: { analytics: AnalyticsRepository; clock: Clock }): AnalyticsService {
  const { analytics, clock } = deps;

  async function collect(query: Parameters<AnalyticsService['report']>[0]) {
    const step = query.bucket === 'hour' ? HOUR_MS : DAY_MS;
    const toMs = query.to ? Date.parse(query.to) : clock.now().getTime();
    const fromMs = query.from ? Date.parse(query.from) : toMs - 7 * DAY_MS;
    if (!(fromMs < toMs)) throw new AppError('VALIDATION_FAILED', '`from` must be before `to`.');
    // Buckets start on whole UTC hours/days so they line up with the stored ISO prefixes.
    const first = Math.floor(fromMs / step) * step;
    if ((toMs - first) / step > MAX_BUCKETS) throw new AppError('VALIDATION_FAILED', `The range holds more than ${MAX_BUCKETS} ${query.bucket}s: choose a shorter range or bigger buckets.`);
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const prefix = query.bucket === 'hour' ? 13 : 10;
    const rows = await analytics.aggregate(from, to, prefix);
    const buckets = new Map<string, Record<Kind, number> & { start: string }>();
    for (let t = first; t < toMs; t += step) {
      const start = new Date(t).toISOString();
      buckets.set(start.slice(0, prefix), { start, recognitions: 0, unknown: 0, impressions: 0, teaching: 0 });
    }
    const perLabel = new Map<string, Record<Exclude<Kind, 'unknown'>, number>>();
    const cells = new Map<string, Record<Kind, number>>();
    for (const r of rows) {
      const kind = KIND[r.kind];
      const b = buckets.get(r.bucket);
      if (b) b[kind] += r.count;
      if (r.label !== null) {
        const key = `${r.bucket}\u0000${r.label}`;
        const cell = cells.get(key) ?? { recognitions: 0, unknown: 0, impressions: 0, teaching: 0 };
        cell[kind] += r.count;
        cells.set(key, cell);
        if (kind !== 'unknown') {
          const l = perLabel.get(r.label) ?? { recognitions: 0, impressions: 0, teaching: 0 };
          l[kind] += r.count;
          perLabel.set(r.label, l);
        }
      }
    }
    return { from, to, prefix, buckets: [...buckets.values()], perLabel, cells };
  }

  return {
    async report(query) {
      const { from, to, buckets, perLabel } = await collect(query);
      const sum = (k: Kind): number => buckets.reduce((s, b) => s + b[k], 0);
      const recognitions = sum('recognitions');
      const unknown = sum('unknown');
      return {
        from,
        to,
        bucket: query.bucket,
        buckets,
        perLabel: [...perLabel]
          .map(([label, v]) => ({ label, ...v }))
          .sort((a, b) => b.recognitions - a.recognitions || b.impressions - a.impressions || a.label.localeCompare(b.label)),
        totals: {
          recognitions,
          unknown,
          unknownRate: recognitions + unknown === 0 ? 0 : unknown / (recognitions + unknown),
          impressions: sum('impressions'),
          teaching: sum('teaching'),
        },
      };
    },
    async csv(query) {
      const { buckets, prefix, cells } = await collect(query);
      const lines: (string | number | null)[][] = [['bucket_start', 'label', 'recognitions', 'unknown', 'impressions', 'teaching']];
      for (const b of buckets) {
        lines.push([b.start, '', b.recognitions, b.unknown, b.impressions, b.teaching]);
        const key = b.start.slice(0, prefix);
        const labelled = [...cells].filter(([k]) => k.startsWith(`${key}\u0000`)).sort(([x], [y]) => x.localeCompare(y));
        for (const [k, c] of labelled) lines.push([b.start, k.slice(key.length + 1), c.recognitions, c.unknown, c.impressions, c.teaching]);
      }
      return toCsv(lines);
    },
  };
}
