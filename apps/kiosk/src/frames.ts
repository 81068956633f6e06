import type { RawImage } from '@smartmirror/core';
import { measureStructure, type Structure } from './scene.ts';

/** Reads frames out of the video through canvases made once and reused (weeks of uptime, no garbage per frame beyond the pixel copy). */
export interface FrameGrabber {
  /** The middle square of the current frame at `size` px, or null while the video has no frame. */
  grab(): { image: RawImage; structure: Structure } | null;
  /** A `side`-px JPEG data URL of the last grabbed frame (not mirrored: printed text stays readable in the back office). */
  thumbnail(side?: number): string;
}

function canvas2d(w: number, h: number): CanvasRenderingContext2D {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  return ctx;
}

/** A grabber for `video` producing `size`-px squares (the model's input side, so the model resizes nothing). */
export function createFrameGrabber(video: HTMLVideoElement, size: number): FrameGrabber {
  const crop = canvas2d(size, size);
  // 48 px is plenty to tell a plain wall from an object, and costs ~nothing.
  const small = canvas2d(48, 48);
  const thumbs = new Map<number, CanvasRenderingContext2D>();
  return {
    grab() {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (video.readyState < 2 || w === 0 || h === 0) return null;
      const side = Math.min(w, h);
      crop.imageSmoothingQuality = 'medium';
      crop.drawImage(video, (w - side) / 2, (h - side) / 2, side, side, 0, 0, size, size);
      const px = crop.getImageData(0, 0, size, size);
      small.drawImage(crop.canvas, 0, 0, 48, 48);
      const s = small.getImageData(0, 0, 48, 48);
      return {
        image: { data: px.data, width: size, height: size, channels: 4 },
        structure: measureStructure(s.data, 48, 48, 4),
      };
    },
    thumbnail(side = 96) {
      let t = thumbs.get(side);
      if (!t) {
        t = canvas2d(side, side);
        thumbs.set(side, t);
      }
      t.drawImage(crop.canvas, 0, 0, side, side);
      return t.canvas.toDataURL('image/jpeg', 0.8);
    },
  };
}
