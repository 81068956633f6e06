// Label housekeeping of the back office: rename, merge, and a data-quality report over the
// stored embeddings of the active model (near-duplicates, nearest neighbour with another label).
import { AppError, type LabelMoveResponse, type QualityExample, type QualityResponse } from '@smartmirror/api';
import type { EventHub } from '../../sse.ts';
import type { MirrorService } from '../../services/mirror.ts';
import type { Repositories } from '../../store/types.ts';
import { LabelExists, type LabelAdminRepository } from './repository.ts';

/** Most examples the quality report compares (all pairs: quadratic in this). The newest are kept. */
export const MAX_QUALITY_EXAMPLES = 3000;

/** Most pairs each list of the report holds. */
export const MAX_QUALITY_PAIRS = 200;

/** The label housekeeping service. */
export interface LabelAdminService {
  rename(from: string, to: string): Promise<LabelMoveResponse>;
  merge(from: string, into: string): Promise<LabelMoveResponse>;
  quality(duplicateThreshold: number): Promise<QualityResponse>;
}

/** Creates the service. */
export function createLabelAdminService(deps: { repos: Repositories; labels: LabelAdminRepository; mirror: MirrorService; events: EventHub }): LabelAdminService {
  const { repos, labels, mirror, events } = deps;
  const count = async (label: string): Promise<number> => (await repos.examples.listByLabel(label)).length;
  return {
    async rename(from, to) {
      if (from === to) throw new AppError('VALIDATION_FAILED', 'The new name is the same as the old one.');
      if (!(await repos.examples.labelExists(from))) throw new AppError('LABEL_NOT_FOUND', `No label ${from}.`);
      try {
        if (!(await labels.rename(from, to))) throw new AppError('LABEL_NOT_FOUND', `No label ${from}.`);
      } catch (err) {
        if (err instanceof LabelExists) throw new AppError('CONFLICT', `A label ${to} exists already: merge into it instead.`);
        throw err;
      }
      // The classifier holds labels by name: reload it from the store.
      await mirror.reload();
      events.send('label.changed', { label: from, action: 'renamed', to });
      events.send('recommendations.changed', { label: to });
      return { label: to, moved: await count(to) };
    },
    async merge(from, into) {
      if (from === into) throw new AppError('VALIDATION_FAILED', 'A label cannot be merged into itself.');
      if (!(await repos.examples.labelExists(from))) throw new AppError('LABEL_NOT_FOUND', `No label ${from}.`);
      if (!(await repos.examples.labelExists(into))) throw new AppError('LABEL_NOT_FOUND', `No label ${into}.`);
      const moved = await labels.merge(from, into);
      await mirror.reload();
      events.send('label.changed', { label: from, action: 'merged', to: into });
      return { label: into, moved };
    },
    async quality(duplicateThreshold) {
      const all = await repos.examples.vectors(mirror.modelId);
      const rows = all.slice(-MAX_QUALITY_EXAMPLES);
      const n = rows.length;
      const dim = rows[0]?.embedding.length ?? 0;
      // One contiguous matrix: the pair loop below is the whole cost, keep it cache-friendly.
      const m = new Float32Array(n * dim);
      rows.forEach((r, i) => m.set(r.embedding.subarray(0, dim), i * dim));
      const best = new Float64Array(n).fill(-Infinity);
      const bestAt = new Int32Array(n).fill(-1);
      const dups: { i: number; j: number; s: number }[] = [];
      for (let i = 0; i < n; i++) {
        const oi = i * dim;
        for (let j = i + 1; j < n; j++) {
          const oj = j * dim;
          let s = 0;
          for (let d = 0; d < dim; d++) s += m[oi + d]! * m[oj + d]!;
          if (s > best[i]!) {
            best[i] = s;
            bestAt[i] = j;
          }
          if (s > best[j]!) {
            best[j] = s;
            bestAt[j] = i;
          }
          if (s >= duplicateThreshold) dups.push({ i, j, s });
        }
      }
      const metas = new Map<string, QualityExample>();
      const view = async (i: number): Promise<QualityExample> => {
        const r = rows[i]!;
        let v = metas.get(r.id);
        if (!v) {
          const meta = await repos.examples.get(r.id);
          v = { id: r.id, label: r.label, thumbnailUrl: meta?.hasThumbnail ? `/api/examples/${r.id}/thumbnail` : null };
          metas.set(r.id, v);
        }
        return v;
      };
      dups.sort((x, y) => y.s - x.s);
      const nearDuplicates: QualityResponse['nearDuplicates'] = [];
      for (const d of dups.slice(0, MAX_QUALITY_PAIRS)) nearDuplicates.push({ a: await view(d.i), b: await view(d.j), similarity: d.s });
      // A neighbour under the recognition threshold never decides an answer: not a conflict.
      const floor = mirror.settings().threshold;
      const conflictIdx: number[] = [];
      for (let i = 0; i < n; i++) {
        const j = bestAt[i]!;
        if (j >= 0 && rows[j]!.label !== rows[i]!.label && best[i]! >= floor) conflictIdx.push(i);
      }
      conflictIdx.sort((x, y) => best[y]! - best[x]!);
      const conflicts: QualityResponse['conflicts'] = [];
      for (const i of conflictIdx.slice(0, MAX_QUALITY_PAIRS)) conflicts.push({ example: await view(i), neighbour: await view(bestAt[i]!), similarity: best[i]! });
      return { modelId: mirror.modelId, examples: n, duplicateThreshold, nearDuplicates, conflicts };
    },
  };
}
