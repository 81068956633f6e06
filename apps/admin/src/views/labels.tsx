import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ExampleView, LabelSummary, QualityExample, QualityResponse } from '@smartmirror/api';
import type { AdminApi } from '../api.ts';
import { t } from '../strings.ts';
import { useServerEvents } from '../events.ts';
import { ErrorLine, useAction } from '../ui.tsx';

function Thumb({ ex }: { ex: QualityExample }) {
  return (
    <figure class="thumb">
      {ex.thumbnailUrl ? <img src={ex.thumbnailUrl} alt="" width={64} height={64} /> : <div class="noimage" />}
      <figcaption>{ex.label}</figcaption>
    </figure>
  );
}

function Quality({ api }: { api: AdminApi }) {
  const [report, setReport] = useState<QualityResponse | null>(null);
  // Photos of one product from one camera are often ≥ 0.98 alike: only near-identical frames count.
  const [threshold, setThreshold] = useState(0.995);
  const { busy, error, run } = useAction();
  const similarity = (v: number): string => t('qualitySimilarity', { value: v.toFixed(3) });
  return (
    <section>
      <h2>{t('qualityTitle')}</h2>
      <div class="row">
        <label>
          {t('qualityThreshold')}
          <input type="number" name="duplicateThreshold" min={0.5} max={1} step={0.001} value={threshold} onInput={(e) => setThreshold(Number(e.currentTarget.value))} />
        </label>
        <button type="button" disabled={busy} onClick={() => void run(async () => setReport(await api.quality(threshold)))}>
          {t('qualityRun')}
        </button>
      </div>
      <ErrorLine error={error} />
      {report && (
        <>
          <h3>{t('qualityDuplicates', { count: report.nearDuplicates.length })}</h3>
          {report.nearDuplicates.length === 0 && <p>{t('qualityNone')}</p>}
          <ul class="pairs">
            {report.nearDuplicates.map((d) => (
              <li key={`${d.a.id}-${d.b.id}`}>
                <Thumb ex={d.a} /> <Thumb ex={d.b} /> <span>{similarity(d.similarity)}</span>
              </li>
            ))}
          </ul>
          <h3>{t('qualityConflicts', { count: report.conflicts.length })}</h3>
          {report.conflicts.length === 0 && <p>{t('qualityNone')}</p>}
          <ul class="pairs">
            {report.conflicts.map((c) => (
              <li key={c.example.id}>
                <Thumb ex={c.example} /> → <Thumb ex={c.neighbour} /> <span>{similarity(c.similarity)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function LabelRow({ api, label, labels, onChanged }: { api: AdminApi; label: LabelSummary; labels: string[]; onChanged: () => void }) {
  const [examples, setExamples] = useState<ExampleView[] | null>(null);
  const [renameTo, setRenameTo] = useState('');
  const [mergeInto, setMergeInto] = useState('');
  const { busy, error, run } = useAction();
  const loadExamples = async (): Promise<void> => setExamples((await api.labelExamples(label.label)).examples);
  return (
    <li class="label-row">
      <div class="label-head">
        <strong>{label.label}</strong>
        <span>{t('labelExamples', { count: label.examples })}</span>
        {label.otherModelExamples > 0 && <span class="muted">{t('labelOtherModel', { count: label.otherModelExamples })}</span>}
        <span class="thumbs">
          {label.thumbnails.map((u) => (
            <img key={u} src={u} alt="" width={48} height={48} />
          ))}
        </span>
      </div>
      <div class="label-actions">
        <button type="button" disabled={busy} onClick={() => void run(loadExamples)}>
          {t('labelShow')}
        </button>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api.renameLabel(label.label, renameTo);
              onChanged();
            });
          }}
        >
          <input aria-label={t('labelRenameTo')} placeholder={t('labelRenameTo')} value={renameTo} onInput={(e) => setRenameTo(e.currentTarget.value)} required />
          <button type="submit" disabled={busy}>
            {t('labelRename')}
          </button>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api.mergeLabel(label.label, mergeInto);
              onChanged();
            });
          }}
        >
          <select aria-label={t('labelMergeInto')} value={mergeInto} onChange={(e) => setMergeInto(e.currentTarget.value)} required>
            <option value="">{t('labelMerge')}</option>
            {labels
              .filter((l) => l !== label.label)
              .map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
          </select>
          <button type="submit" disabled={busy || !mergeInto}>
            {t('labelMergeSubmit')}
          </button>
        </form>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => {
            if (!confirm(t('confirmDelete', { name: label.label }))) return;
            void run(async () => {
              await api.deleteLabel(label.label);
              onChanged();
            });
          }}
        >
          {t('labelDelete')}
        </button>
      </div>
      <ErrorLine error={error} />
      {examples && (
        <ul class="examples">
          {examples.map((ex) => (
            <li key={ex.id}>
              {ex.thumbnailUrl ? <img src={ex.thumbnailUrl} alt="" width={96} height={96} /> : <div class="noimage" />}
              <button
                type="button"
                class="danger small"
                aria-label={t('exampleDelete')}
                onClick={() =>
                  void run(async () => {
                    await api.deleteExample(ex.id);
                    await loadExamples();
                    onChanged();
                  })
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Labels with counts and thumbnails; rename, merge, delete; the data-quality report. */
export function LabelsView({ api }: { api: AdminApi }) {
  const [labels, setLabels] = useState<LabelSummary[] | null>(null);
  const { error, run } = useAction();
  const load = useCallback(() => void run(async () => setLabels((await api.labels()).labels)), [api, run]);
  useEffect(load, [load]);
  useServerEvents(['example.added', 'example.removed', 'label.changed'], load);
  const names = labels?.map((l) => l.label) ?? [];
  return (
    <section>
      <h2>{t('labelsTitle')}</h2>
      <ErrorLine error={error} />
      {labels === null ? (
        <p>{t('loading')}</p>
      ) : labels.length === 0 ? (
        <p>{t('labelsEmpty')}</p>
      ) : (
        <ul class="labels">
          {labels.map((l) => (
            <LabelRow key={l.label} api={api} label={l} labels={names} onChanged={load} />
          ))}
        </ul>
      )}
      <Quality api={api} />
    </section>
  );
}
