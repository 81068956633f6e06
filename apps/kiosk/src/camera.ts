import { createBackoff, type Backoff } from './backoff.ts';

/** What the camera is doing; the screen shows a full-screen message for every state but `live`. */
export type CameraState =
  | { kind: 'starting' }
  | { kind: 'live'; stream: MediaStream; deviceId: string | null }
  /** No camera plugged in (or the chosen one vanished). */
  | { kind: 'missing'; retryAt: number }
  /** The browser or the user blocked camera access. */
  | { kind: 'denied'; retryAt: number }
  /** The live camera stopped delivering (unplugged). */
  | { kind: 'ended'; retryAt: number }
  /** Busy or broken (another program holds it, driver error). */
  | { kind: 'error'; retryAt: number; message: string };

/** Which failure state a getUserMedia error means. */
export function classifyCameraError(err: unknown): 'missing' | 'denied' | 'error' {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    default:
      return 'error';
  }
}

/** Where the chosen camera is remembered across reloads. */
export const CAMERA_STORAGE_KEY = 'smartmirror.cameraId';

/** Options of createCamera; everything injectable for tests. */
export interface CameraOptions {
  /** Default navigator.mediaDevices. */
  mediaDevices?: Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;
  /** Default localStorage. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  onChange(state: CameraState): void;
  /** Default createBackoff({ baseMs: 1000, maxMs: 15000 }). */
  backoff?: Backoff;
  /** Default Date.now. */
  now?: () => number;
}

/** The camera of the mirror, restarting itself after unplugging, denial or errors. */
export interface Camera {
  readonly state: CameraState;
  start(): void;
  /** Switches to `deviceId` and remembers it. */
  choose(deviceId: string): void;
  /** The video inputs present now. */
  devices(): Promise<MediaDeviceInfo[]>;
  stop(): void;
}

/** Opens the remembered (else the default) camera and keeps it open: retries with backoff, retries at once on devicechange. */
export function createCamera(opts: CameraOptions): Camera {
  const md = opts.mediaDevices ?? navigator.mediaDevices;
  const storage = opts.storage ?? localStorage;
  const backoff = opts.backoff ?? createBackoff({ baseMs: 1000, maxMs: 15_000 });
  const now = opts.now ?? Date.now;
  let state: CameraState = { kind: 'starting' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;

  const set = (s: CameraState): void => {
    state = s;
    opts.onChange(s);
  };

  const release = (): void => {
    if (state.kind === 'live') for (const track of state.stream.getTracks()) track.stop();
  };

  const retryLater = (kind: 'missing' | 'denied' | 'ended' | 'error', message = ''): void => {
    const delay = backoff.next();
    clearTimeout(timer);
    timer = setTimeout(open, delay);
    set(kind === 'error' ? { kind, retryAt: now() + delay, message } : { kind, retryAt: now() + delay });
  };

  async function openAsync(): Promise<void> {
    const mine = ++attempt;
    const remembered = storage.getItem(CAMERA_STORAGE_KEY);
    try {
      // `ideal`, not `exact`: when the remembered camera is gone, any camera beats a black screen.
      const stream = await md.getUserMedia({
        audio: false,
        video: { deviceId: remembered ? { ideal: remembered } : undefined, width: { ideal: 640 }, height: { ideal: 480 } },
      });
      if (stopped || mine !== attempt) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const track = stream.getVideoTracks()[0];
      if (!track) {
        retryLater('missing');
        return;
      }
      track.addEventListener('ended', () => {
        if (state.kind === 'live' && state.stream === stream) retryLater('ended');
      });
      backoff.reset();
      release();
      set({ kind: 'live', stream, deviceId: track.getSettings().deviceId ?? null });
    } catch (err) {
      if (stopped || mine !== attempt) return;
      const kind = classifyCameraError(err);
      retryLater(kind, err instanceof Error ? err.message : String(err));
    }
  }

  function open(): void {
    clearTimeout(timer);
    if (!stopped) void openAsync();
  }

  // A camera plugged in: try now instead of waiting for the backoff.
  const onDeviceChange = (): void => {
    if (state.kind !== 'live' && state.kind !== 'starting') open();
  };

  return {
    get state() {
      return state;
    },
    start() {
      stopped = false;
      md.addEventListener('devicechange', onDeviceChange);
      open();
    },
    choose(deviceId) {
      storage.setItem(CAMERA_STORAGE_KEY, deviceId);
      release();
      set({ kind: 'starting' });
      open();
    },
    async devices() {
      return (await md.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      md.removeEventListener('devicechange', onDeviceChange);
      release();
    },
  };
}
