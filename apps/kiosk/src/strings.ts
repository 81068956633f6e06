// Every word the mirror shows, in one place, so a translation is one new table. Keys are stable;
// `{name}` placeholders are filled by `t()`. English is the reference language.

const en = {
  appTitle: 'Smart mirror',
  // idle / attract screen: cycles through these steps
  idleTitle: 'Show me a product',
  idleStep1: 'Hold a product up in front of the mirror.',
  idleStep2: 'Keep it still for a moment while I look at it.',
  idleStep3: 'I will tell you what it is and suggest what goes well with it.',
  idleStep4: 'Something I do not know yet? Staff can teach me in a few seconds.',
  // demo phases
  seeing: 'I see something…',
  seeingHint: 'Hold it still for a moment',
  recognised: 'This is {label}',
  recommendationsTitle: 'Goes well with {label}',
  noRecommendations: 'No suggestions for {label} yet.',
  unknownTitle: "I don't know this one yet",
  unknownHint: 'Ask a member of staff to teach it to me.',
  price: '{price}',
  // camera states
  cameraStarting: 'Starting the camera…',
  cameraMissingTitle: 'No camera found',
  cameraMissingHint: 'Plug in a camera. The mirror starts again by itself.',
  cameraDeniedTitle: 'The camera is blocked',
  cameraDeniedHint: 'Allow camera access for this page in the browser settings.',
  cameraEndedTitle: 'The camera was disconnected',
  cameraEndedHint: 'Plug it back in. The mirror starts again by itself.',
  cameraErrorTitle: 'The camera does not answer',
  cameraErrorHint: 'Retrying in a moment…',
  retryingIn: 'Trying again in {seconds} s',
  // model / server
  loadingModel: 'Getting ready…',
  modelFailedTitle: 'The mirror could not start',
  modelFailedHint: 'Retrying in a moment…',
  offline: 'Offline: recognising with what I already know. Reconnecting…',
  // teach mode
  teachTitle: 'Teach mode',
  teachUnlockTitle: 'Enter the kiosk token to teach',
  teachTokenPlaceholder: 'Kiosk token',
  teachUnlock: 'Unlock',
  teachBadToken: 'That token was refused.',
  teachLabel: 'Label',
  teachLabelPlaceholder: 'Type a product name',
  teachBackground: 'Nothing (empty scene)',
  teachHold: 'Hold to record',
  teachHoldHint: 'Hold the button or the space bar: {rate} pictures per second.',
  teachRecording: 'Recording… {count}',
  teachExamples: '{count} examples',
  teachDelete: 'Delete',
  teachDeleteRefused: 'Not deleted: {reason}',
  teachSaveFailed: 'Not saved: {reason}',
  teachPending: '{count} waiting to be saved',
  teachClose: 'Done',
  teachCamera: 'Camera',
  cameraN: 'Camera {n}',
  teachLock: 'Forget token',
  teachOpen: 'Teach',
  teachNeedLabel: 'Type or pick a label first.',
  teachNow: 'Now recognised: {label}',
  teachNothing: 'Now recognised: nothing',
  backgroundLabel: 'empty scene',
  // debug overlay
  debugTitle: 'debug',
} as const;

/** A key of the strings table. */
export type StringKey = keyof typeof en;

/** Translation tables by language tag; every table must have every key. */
export const STRINGS: Record<string, Record<StringKey, string>> = { en };

let current: Record<StringKey, string> = en;

/** Picks the table for `lang` (e.g. navigator.language); unknown languages fall back to English. */
export function setLanguage(lang: string): void {
  current = STRINGS[lang] ?? STRINGS[lang.split('-')[0] ?? ''] ?? en;
}

/** The text of `key` in the current language with `{name}` placeholders filled from `params`. */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  return current[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
