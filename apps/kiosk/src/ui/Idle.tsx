import { useEffect, useState } from 'preact/hooks';
import { t, type StringKey } from '../strings.ts';

const STEPS: StringKey[] = ['idleStep1', 'idleStep2', 'idleStep3', 'idleStep4'];
/** How long each step stays, ms. */
const STEP_MS = 6000;

/**
 * The attract screen. It cycles through the steps, and the whole block drifts slowly across the
 * screen (CSS animation over minutes) so no pixel shows the same thing for long: no burn-in.
 */
export function Idle() {
  const [step, setStep] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setStep((s) => (s + 1) % STEPS.length), STEP_MS);
    return () => clearInterval(id);
  }, []);
  const key = STEPS[step] ?? 'idleStep1';
  return (
    <div class="stage idle" data-testid="idle">
      <div class="drift">
        <h1>{t('idleTitle')}</h1>
        <p key={key} class="fade">
          {t(key)}
        </p>
        <ol class="dots" aria-hidden="true">
          {STEPS.map((s, i) => (
            <li key={s} class={i === step ? 'on' : ''} />
          ))}
        </ol>
      </div>
    </div>
  );
}
