import { describe, expect, it } from 'vitest';
import { CAMERA_STORAGE_KEY, classifyCameraError, createCamera, type CameraState } from './camera.ts';
import { createBackoff } from './backoff.ts';

const domError = (name: string): Error => Object.assign(new Error(name), { name });

class FakeTrack extends EventTarget {
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: 'cam-1' };
  }
}

function fakeStream(track: FakeTrack): MediaStream {
  return { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream;
}

function fakeDevices(answers: (() => MediaStream)[]) {
  const bus = new EventTarget();
  const calls: MediaStreamConstraints[] = [];
  return {
    calls,
    bus,
    md: {
      getUserMedia: (c?: MediaStreamConstraints) => {
        calls.push(c ?? {});
        const next = answers.shift();
        return next ? Promise.resolve().then(next) : Promise.reject(domError('NotFoundError'));
      },
      enumerateDevices: () => Promise.resolve([]),
      addEventListener: bus.addEventListener.bind(bus),
      removeEventListener: bus.removeEventListener.bind(bus),
    } as unknown as MediaDevices,
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const memoryStorage = (): Storage => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) } as Storage;
};

describe('camera', () => {
  it('maps getUserMedia errors to screen states', () => {
    expect(classifyCameraError(domError('NotFoundError'))).toBe('missing');
    expect(classifyCameraError(domError('NotAllowedError'))).toBe('denied');
    expect(classifyCameraError(domError('NotReadableError'))).toBe('error');
    expect(classifyCameraError('weird')).toBe('error');
  });

  it('shows "missing", then recovers on devicechange without a reload, then "ended" when unplugged', async () => {
    const track = new FakeTrack();
    const d = fakeDevices([
      () => {
        throw domError('NotFoundError');
      },
      () => fakeStream(track),
    ]);
    const states: CameraState[] = [];
    const cam = createCamera({ mediaDevices: d.md, storage: memoryStorage(), onChange: (s) => states.push(s), backoff: createBackoff({ baseMs: 60_000 }) });
    cam.start();
    await tick();
    expect(cam.state.kind).toBe('missing');
    d.bus.dispatchEvent(new Event('devicechange'));
    await tick();
    expect(cam.state.kind).toBe('live');
    track.dispatchEvent(new Event('ended'));
    expect(cam.state.kind).toBe('ended');
    cam.stop();
    expect(states.map((s) => s.kind)).toEqual(['missing', 'live', 'ended']);
  });

  it('remembers the chosen camera and asks for it (ideal, so another camera still works)', async () => {
    const storage = memoryStorage();
    const d = fakeDevices([() => fakeStream(new FakeTrack()), () => fakeStream(new FakeTrack())]);
    const cam = createCamera({ mediaDevices: d.md, storage, onChange: () => {} });
    cam.start();
    await tick();
    cam.choose('cam-2');
    await tick();
    expect(storage.getItem(CAMERA_STORAGE_KEY)).toBe('cam-2');
    expect((d.calls[1]?.video as MediaTrackConstraints).deviceId).toEqual({ ideal: 'cam-2' });
    cam.stop();
  });

  it('stops the old stream when it switches cameras', async () => {
    const first = new FakeTrack();
    const d = fakeDevices([() => fakeStream(first), () => fakeStream(new FakeTrack())]);
    const cam = createCamera({ mediaDevices: d.md, storage: memoryStorage(), onChange: () => {} });
    cam.start();
    await tick();
    cam.choose('cam-2');
    expect(first.stopped).toBe(true);
    cam.stop();
  });
});
