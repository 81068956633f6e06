import { useEffect, useRef, useState } from 'preact/hooks';
import type { Product } from '@smartmirror/api';
import type { Mirror, MirrorView, TeachThumb } from '../mirror.ts';
import { TEACH_RATE } from '../mirror.ts';
import { BACKGROUND_LABEL } from '../scene.ts';
import { t, type StringKey } from '../strings.ts';
import { Idle } from './Idle.tsx';

/** Subscribes to the controller; re-renders on every change. */
function useMirror(mirror: Mirror): MirrorView {
  const [view, setView] = useState(mirror.view);
  useEffect(() => mirror.subscribe(() => setView(mirror.view)), [mirror]);
  return view;
}

const displayLabel = (label: string): string => (label === BACKGROUND_LABEL ? t('backgroundLabel') : label);

/** The whole mirror screen. */
export function App({ mirror }: { mirror: Mirror }) {
  const view = useMirror(mirror);

  useEffect(() => {
    const typing = (e: KeyboardEvent): boolean => e.target instanceof HTMLInputElement;
    const down = (e: KeyboardEvent): void => {
      if (typing(e)) return;
      if (e.key === 'd') mirror.toggleDebug();
      else if (e.key === 't') mirror.openTeach(!mirror.view.teach.open);
      else if (e.key === 'Escape') mirror.openTeach(false);
      else if (e.key === ' ' && mirror.view.teach.open) {
        e.preventDefault();
        if (!e.repeat) mirror.setRecording(true);
      }
    };
    const up = (e: KeyboardEvent): void => {
      if (e.key === ' ' && mirror.view.teach.open && !typing(e)) {
        // A focused button would take the space bar's keyup as a click (e.g. pick "empty scene").
        e.preventDefault();
        mirror.setRecording(false);
      }
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [mirror]);

  const blocked = cameraMessage(view);
  return (
    <div class={`screen phase-${view.phase.kind}${view.attract && view.phase.kind === 'idle' ? ' attract' : ''}`} data-phase={view.phase.kind} data-camera={view.camera.kind}>
      <CameraView mirror={mirror} />
      {!view.online && view.boot.kind === 'ready' && (
        <div class="banner" role="status" data-testid="offline">
          {t('offline')}
        </div>
      )}
      {blocked ? (
        <FullMessage {...blocked} />
      ) : view.boot.kind !== 'ready' ? (
        <FullMessage
          title={view.boot.kind === 'loading' ? t('loadingModel') : t('modelFailedTitle')}
          hint={view.boot.kind === 'failed' ? t('modelFailedHint') : ''}
          testId={`boot-${view.boot.kind}`}
        />
      ) : view.teach.open ? null : (
        <Stage view={view} />
      )}
      {view.teach.open && <Teach mirror={mirror} view={view} />}
      {!view.teach.open && (
        <button class="corner" type="button" aria-label={t('teachOpen')} onClick={() => mirror.openTeach(true)}>
          {t('teachOpen')}
        </button>
      )}
      {view.debug && <Debug view={view} />}
    </div>
  );
}

/** The mirrored live preview: the controller's own <video> mounted here (never recreated). */
function CameraView({ mirror }: { mirror: Mirror }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    mirror.video.className = 'preview';
    el.appendChild(mirror.video);
    return () => mirror.video.remove();
  }, [mirror]);
  return <div class="camera" ref={box} />;
}

function cameraMessage(view: MirrorView): { title: string; hint: string; testId: string } | null {
  const c = view.camera;
  const keys: Record<Exclude<typeof c.kind, 'live'>, [StringKey, StringKey]> = {
    starting: ['cameraStarting', 'cameraStarting'],
    missing: ['cameraMissingTitle', 'cameraMissingHint'],
    denied: ['cameraDeniedTitle', 'cameraDeniedHint'],
    ended: ['cameraEndedTitle', 'cameraEndedHint'],
    error: ['cameraErrorTitle', 'cameraErrorHint'],
  };
  if (c.kind === 'live') return null;
  const [title, hint] = keys[c.kind];
  return { title: t(title), hint: c.kind === 'starting' ? '' : t(hint), testId: `camera-${c.kind}` };
}

function FullMessage({ title, hint, testId }: { title: string; hint: string; testId: string }) {
  return (
    <div class="full-message" role="alert" data-testid={testId}>
      <h1>{title}</h1>
      {hint && <p>{hint}</p>}
    </div>
  );
}

/** The demo on the main screen, one phase at a time. */
function Stage({ view }: { view: MirrorView }) {
  const p = view.phase;
  switch (p.kind) {
    case 'idle':
      return view.attract ? (
        <Idle />
      ) : (
        <div class="stage ready" data-testid="ready">
          <p>{t('idleTitle')}</p>
        </div>
      );
    case 'seeing':
      return (
        <div class="stage seeing" data-testid="seeing">
          <h1>{t('seeing')}</h1>
          <p>{t('seeingHint')}</p>
        </div>
      );
    case 'recognised':
      return (
        <div class="stage recognised" data-testid="recognised" data-label={p.label}>
          <h1>{t('recognised', { label: displayLabel(p.label) })}</h1>
        </div>
      );
    case 'recommending':
      return <Recommendations label={p.label} recs={view.recommendations} />;
    case 'unknown':
      return (
        <div class="stage unknown" data-testid="unknown">
          <h1>{t('unknownTitle')}</h1>
          <p>{t('unknownHint')}</p>
        </div>
      );
    default: {
      const never: never = p;
      return never;
    }
  }
}

function Recommendations({ label, recs }: { label: string; recs: MirrorView['recommendations'] }) {
  const products = recs?.label === label ? recs.products : null;
  return (
    <div class="stage recommending" data-testid="recommending" data-label={label}>
      <h1>{t('recommendationsTitle', { label })}</h1>
      {products && products.length > 0 ? (
        <ul class="cards">
          {products.slice(0, 4).map((p) => (
            <Card key={p.id} product={p} />
          ))}
        </ul>
      ) : products || recs?.failed ? (
        <p>{t('noRecommendations', { label })}</p>
      ) : null}
    </div>
  );
}

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function Card({ product }: { product: Product }) {
  return (
    <li class="card" data-testid="product-card">
      {product.imageUrl && <img src={product.imageUrl} alt="" loading="lazy" />}
      <div class="card-text">
        <h2>{product.name}</h2>
        {product.price !== null && <p class="price">{t('price', { price: money.format(product.price) })}</p>}
        <p class="description">{product.description}</p>
      </div>
    </li>
  );
}

/** Teach mode: unlock with the kiosk token, pick a label, hold to record. */
function Teach({ mirror, view }: { mirror: Mirror; view: MirrorView }) {
  const tv = view.teach;
  const [token, setToken] = useState('');
  if (!tv.unlocked) {
    return (
      <div class="teach" data-testid="teach-locked">
        <h1>{t('teachUnlockTitle')}</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            mirror.unlock(token);
            setToken('');
          }}
        >
          <input type="password" value={token} placeholder={t('teachTokenPlaceholder')} aria-label={t('teachTokenPlaceholder')} onInput={(e) => setToken(e.currentTarget.value)} />
          <button type="submit">{t('teachUnlock')}</button>
        </form>
        {tv.message && <p class="teach-message">{tv.message}</p>}
        <button type="button" onClick={() => mirror.openTeach(false)}>
          {t('teachClose')}
        </button>
      </div>
    );
  }
  const counts = tv.labels.slice(0, 40);
  const live = view.live;
  return (
    <div class="teach" data-testid="teach">
      <div class="teach-head">
        <h1>{t('teachTitle')}</h1>
        <button type="button" onClick={() => mirror.lock()}>
          {t('teachLock')}
        </button>
        <button type="button" data-testid="teach-close" onClick={() => mirror.openTeach(false)}>
          {t('teachClose')}
        </button>
      </div>
      <label class="teach-label">
        {t('teachLabel')}
        <input
          data-testid="teach-label"
          list="known-labels"
          value={tv.label}
          placeholder={t('teachLabelPlaceholder')}
          // Every keystroke goes to the controller: a controlled input re-rendered at the frame
          // rate would otherwise snap back to the old value between keystrokes.
          onInput={(e) => mirror.setTeachLabel(e.currentTarget.value, false)}
          onChange={(e) => mirror.setTeachLabel(e.currentTarget.value)}
        />
        <datalist id="known-labels">
          {tv.knownLabels.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </label>
      <button type="button" class="chip" onClick={() => mirror.setTeachLabel(BACKGROUND_LABEL)}>
        {t('teachBackground')}
      </button>
      <button
        type="button"
        class={`hold${tv.recording ? ' recording' : ''}`}
        data-testid="teach-hold"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          mirror.setRecording(true);
        }}
        onPointerUp={() => mirror.setRecording(false)}
        onPointerCancel={() => mirror.setRecording(false)}
      >
        {tv.recording ? t('teachRecording', { count: tv.recorded }) : t('teachHold')}
      </button>
      <p class="hint">{t('teachHoldHint', { rate: TEACH_RATE })}</p>
      <CameraPicker mirror={mirror} current={view.camera.kind === 'live' ? view.camera.deviceId : null} />
      <p class="live" data-testid="teach-live">
        {live.label ? t('teachNow', { label: displayLabel(live.label) }) : t('teachNothing')}
      </p>
      {view.stats.pending > 0 && <p class="hint">{t('teachPending', { count: view.stats.pending })}</p>}
      {tv.message && (
        <p class="teach-message" role="alert">
          {tv.message}
        </p>
      )}
      <ul class="counts" data-testid="teach-counts">
        {counts.map((c) => (
          <li key={c.label}>
            <button type="button" class="chip" onClick={() => mirror.setTeachLabel(c.label)}>
              {displayLabel(c.label)} · {t('teachExamples', { count: c.count })}
            </button>
          </li>
        ))}
      </ul>
      <ul class="thumbs">
        {tv.thumbs.map((th) => (
          <Thumb key={th.key} thumb={th} onDelete={() => mirror.deleteExample(th)} />
        ))}
      </ul>
    </div>
  );
}

/** Which camera the mirror uses; the choice is remembered across reloads. */
function CameraPicker({ mirror, current }: { mirror: Mirror; current: string | null }) {
  const [cams, setCams] = useState<{ deviceId: string; label: string }[]>([]);
  useEffect(() => {
    let live = true;
    mirror
      .listCameras()
      .then((c) => live && setCams(c))
      .catch(() => live && setCams([]));
    return () => {
      live = false;
    };
  }, [mirror, current]);
  if (cams.length < 2) return null;
  return (
    <label class="teach-label">
      {t('teachCamera')}
      <select value={current ?? ''} onChange={(e) => mirror.chooseCamera(e.currentTarget.value)}>
        {cams.map((c) => (
          <option key={c.deviceId} value={c.deviceId}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Thumb({ thumb, onDelete }: { thumb: TeachThumb; onDelete: () => void }) {
  return (
    <li class="thumb">
      <img src={thumb.url} alt={thumb.label} width={96} height={96} />
      <button type="button" disabled={thumb.id === null} onClick={onDelete}>
        {t('teachDelete')}
      </button>
    </li>
  );
}

function Debug({ view }: { view: MirrorView }) {
  const s = view.stats;
  const rows: [string, string][] = [
    ['fps', s.fps.toFixed(1)],
    ['embed ms', s.embedMs.toFixed(0)],
    ['model', s.modelId],
    ['backend', s.backend],
    ['examples', `${s.examples} (+${s.pending} unsaved)`],
    ['numTensors', String(s.numTensors)],
    ['similarity', s.similarity.toFixed(3)],
    ['edges / contrast', `${s.structure.edges.toFixed(1)} / ${s.structure.contrast.toFixed(1)}`],
    ['empty', String(s.empty)],
    ['phase', view.phase.kind],
    ...s.top.map((x): [string, string] => [displayLabel(x.label), x.confidence.toFixed(3)]),
  ];
  return (
    <div class="debug" data-testid="debug">
      <strong>{t('debugTitle')}</strong>
      <table>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
