import { useEffect, useState } from 'preact/hooks';
import type { Settings } from '@smartmirror/api';
import type { AdminApi } from '../api.ts';
import { t } from '../strings.ts';
import { ErrorLine, useAction } from '../ui.tsx';

/** Recognition settings applied live by kiosks, the model in use, and kiosk token rotation. */
export function SettingsView({ api }: { api: AdminApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => void run(async () => setSettings(await api.settings())), [api, run]);
  if (!settings) return <ErrorLine error={error} />;
  const num = (key: 'threshold' | 'k' | 'smoothingWindow') => ({
    name: key,
    value: settings[key],
    onInput: (e: { currentTarget: HTMLInputElement }) => setSettings({ ...settings, [key]: Number(e.currentTarget.value) }),
  });
  return (
    <section>
      <h2>{t('settingsTitle')}</h2>
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            setStatus(null);
            const { threshold, k, smoothingWindow, idleTimeoutMs } = settings;
            setSettings(await api.setSettings({ threshold, k, smoothingWindow, idleTimeoutMs }));
            setStatus(t('saved'));
          });
        }}
      >
        <label>
          {t('settingsThreshold')}
          <input type="number" min={-1} max={1} step="0.01" {...num('threshold')} />
        </label>
        <label>
          {t('settingsK')}
          <input type="number" min={1} max={50} step={1} {...num('k')} />
        </label>
        <label>
          {t('settingsSmoothing')}
          <input type="number" min={1} max={60} step={1} {...num('smoothingWindow')} />
        </label>
        <label>
          {t('settingsIdle')}
          <input
            type="number"
            name="idleTimeoutS"
            min={1}
            max={3600}
            step={1}
            value={Math.round(settings.idleTimeoutMs / 1000)}
            onInput={(e) => setSettings({ ...settings, idleTimeoutMs: Number(e.currentTarget.value) * 1000 })}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('save')}
        </button>
      </form>
      <h3>{t('settingsModel')}</h3>
      <p>
        <code>{settings.modelId}</code>
      </p>
      <p class="muted">{t('settingsModelNote')}</p>
      <h3>{t('settingsKioskToken')}</h3>
      <p class="muted">{t('settingsKioskTokenNote')}</p>
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            setStatus(null);
            const { kioskToken } = await api.rotateKioskToken();
            setStatus(t('settingsRotated', { token: kioskToken }));
          })
        }
      >
        {t('settingsRotate')}
      </button>
      {status && <p role="status">{status}</p>}
      <ErrorLine error={error} />
    </section>
  );
}
