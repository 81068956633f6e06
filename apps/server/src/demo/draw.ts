import sharp from 'sharp';
import { seededRandom, type RawImage } from '@smartmirror/core';
import type { DemoArt, DemoProduct } from './catalog.ts';

/** Side of the drawn product images, px. */
export const DEMO_IMAGE_SIZE = 480;

/** How one drawing differs from the catalog picture: used to teach several examples per product. */
export interface DemoVariant {
  /** Degrees, clockwise. Default 0. */
  rotate?: number;
  /** Scale of the product around the centre. Default 1. */
  scale?: number;
  /** Shift of the product, px. Default 0. */
  dx?: number;
  dy?: number;
  /** Background colour. Default the product's pale tint. */
  background?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Each shape is drawn in a 400×400 box centred on (200, 200); the caption band is added below.
function shape(art: DemoArt, main: string, accent: string, name: string): string {
  switch (art) {
    case 'banana':
      return `<path d="M70 140 C 110 320, 300 340, 340 180 C 320 250, 170 270, 110 130 Z" fill="${main}" stroke="#b8961c" stroke-width="6"/>
        <path d="M70 140 l-14 -18 l22 -4 Z" fill="${accent}"/><circle cx="340" cy="180" r="8" fill="${accent}"/>
        <path d="M120 170 C 170 260, 260 270, 310 215" fill="none" stroke="#e0b820" stroke-width="5"/>`;
    case 'apple':
      return `<path d="M200 110 C 120 60, 50 140, 80 240 C 100 320, 160 350, 200 320 C 240 350, 300 320, 320 240 C 350 140, 280 60, 200 110 Z" fill="${main}"/>
        <ellipse cx="140" cy="170" rx="22" ry="40" fill="#fff" opacity="0.35" transform="rotate(20 140 170)"/>
        <path d="M200 110 C 198 80, 205 60, 215 45" stroke="#5d4037" stroke-width="9" fill="none" stroke-linecap="round"/>
        <path d="M212 70 C 240 40, 290 45, 300 60 C 270 90, 230 90, 212 70 Z" fill="${accent}"/>`;
    case 'orange':
      return `<circle cx="200" cy="210" r="140" fill="${main}"/>
        ${Array.from({ length: 28 }, (_, i) => `<circle cx="${200 + 100 * Math.cos(i * 2.3)}" cy="${210 + 100 * Math.sin(i * 1.7)}" r="4" fill="#d9731b"/>`).join('')}
        <ellipse cx="150" cy="150" rx="30" ry="18" fill="#fff" opacity="0.35"/>
        <path d="M200 72 C 230 30, 290 35, 300 50 C 270 85, 225 85, 200 72 Z" fill="${accent}"/>`;
    case 'avocado':
      return `<path d="M200 50 C 120 50, 90 180, 80 250 C 70 330, 140 370, 200 370 C 260 370, 330 330, 320 250 C 310 180, 280 50, 200 50 Z" fill="${main}"/>
        <path d="M200 80 C 140 80, 115 190, 108 255 C 100 320, 155 345, 200 345 C 245 345, 300 320, 292 255 C 285 190, 260 80, 200 80 Z" fill="${accent}"/>
        <circle cx="200" cy="255" r="55" fill="#8d5524"/><circle cx="185" cy="240" r="14" fill="#b07a45"/>`;
    case 'tomato':
      return `<path d="M90 90 C 160 60, 250 60, 320 100" stroke="${accent}" stroke-width="10" fill="none"/>
        ${[
          [130, 210, 80],
          [265, 205, 85],
          [200, 300, 78],
        ]
          .map(
            ([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="${main}"/>
            <path d="M${x} ${(y ?? 0) - (r ?? 0) + 5} l-22 -10 l14 22 l-24 8 l26 4 l6 24 l6 -24 l26 -4 l-24 -8 l14 -22 Z" fill="${accent}"/>
            <ellipse cx="${(x ?? 0) - 25}" cy="${(y ?? 0) - 20}" rx="14" ry="9" fill="#fff" opacity="0.4"/>`,
          )
          .join('')}`;
    case 'carton':
      return `<path d="M120 110 L200 40 L280 110 Z" fill="${accent}" stroke="#555" stroke-width="3"/>
        <rect x="185" y="25" width="30" height="30" fill="#fff" stroke="#555" stroke-width="3"/>
        <rect x="120" y="110" width="160" height="260" fill="${main}" stroke="#555" stroke-width="3"/>
        <rect x="130" y="170" width="140" height="90" rx="12" fill="${accent}"/>
        <text x="200" y="225" font-family="DejaVu Sans, sans-serif" font-size="26" font-weight="bold" text-anchor="middle" fill="${main}">${esc(name.split(' ')[0] ?? '')}</text>
        <path d="M130 320 q 17 -20 35 0 t 35 0 t 35 0 t 35 0" stroke="${accent}" stroke-width="8" fill="none"/>`;
    case 'tub':
      return `<path d="M100 130 L300 130 L275 360 L125 360 Z" fill="${main}" stroke="#999" stroke-width="4"/>
        <rect x="88" y="100" width="224" height="36" rx="10" fill="${accent}"/>
        <g transform="translate(200 250)">${Array.from({ length: 6 }, (_, i) => `<ellipse rx="14" ry="38" cy="-30" fill="#f3d36b" transform="rotate(${i * 60})"/>`).join('')}<circle r="14" fill="${accent}"/></g>`;
    case 'box':
      return `<rect x="100" y="50" width="200" height="320" rx="6" fill="${main}" stroke="#5d3a12" stroke-width="4"/>
        <rect x="115" y="70" width="170" height="60" rx="8" fill="${accent}"/>
        <path d="M125 250 Q 200 340 275 250 Z" fill="#fafafa" stroke="#5d3a12" stroke-width="4"/>
        ${Array.from({ length: 14 }, (_, i) => `<circle cx="${145 + ((i * 37) % 110)}" cy="${232 + ((i * 13) % 22)}" r="9" fill="${i % 3 ? '#d89b4a' : '#7b3f00'}"/>`).join('')}`;
    case 'bag':
      return `<path d="M110 80 L290 80 L310 370 L90 370 Z" fill="${main}"/>
        <rect x="110" y="60" width="180" height="30" fill="#21130f"/>
        ${Array.from({ length: 9 }, (_, i) => {
          const x = 140 + (i % 3) * 60;
          const y = 170 + Math.floor(i / 3) * 60;
          return `<ellipse cx="${x}" cy="${y}" rx="22" ry="15" fill="${accent}" transform="rotate(${30 * (i % 4)} ${x} ${y})"/>
            <path d="M${x - 18} ${y} Q ${x} ${y - 6} ${x + 18} ${y}" stroke="${main}" stroke-width="3" fill="none" transform="rotate(${30 * (i % 4)} ${x} ${y})"/>`;
        }).join('')}`;
    case 'bottle':
      return `<rect x="175" y="30" width="50" height="30" rx="4" fill="${accent}"/>
        <path d="M180 60 L220 60 L225 110 C 290 140, 285 170, 285 200 L285 360 C 285 375, 275 380, 260 380 L140 380 C 125 380, 115 375, 115 360 L115 200 C 115 170, 110 140, 175 110 Z" fill="${main}" opacity="0.9"/>
        <rect x="115" y="220" width="170" height="70" fill="${accent}"/>
        ${Array.from({ length: 12 }, (_, i) => `<circle cx="${135 + ((i * 41) % 130)}" cy="${310 + ((i * 17) % 55)}" r="${4 + (i % 3) * 2}" fill="#fff" opacity="0.7"/>`).join('')}`;
    default: {
      const never: never = art;
      return never;
    }
  }
}

/** The SVG source of a product's picture: the illustration above its name on a caption band. */
export function demoProductSvg(product: DemoProduct, variant: DemoVariant = {}): string {
  const [main, accent] = product.colours;
  const s = DEMO_IMAGE_SIZE;
  const bg = variant.background ?? '#f4f1ea';
  const scale = variant.scale ?? 1;
  const transform = `translate(${40 + (variant.dx ?? 0)} ${5 + (variant.dy ?? 0)}) rotate(${variant.rotate ?? 0} 200 200) translate(200 200) scale(${scale}) translate(-200 -200)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">
  <rect width="${s}" height="${s}" fill="${bg}"/>
  <g transform="${transform}">${shape(product.art, main, accent, product.name)}</g>
  <rect x="0" y="${s - 70}" width="${s}" height="70" fill="#ffffff" opacity="0.92"/>
  <text x="${s / 2}" y="${s - 24}" font-family="DejaVu Sans, sans-serif" font-size="36" font-weight="bold" text-anchor="middle" fill="#222">${esc(product.name)}</text>
</svg>`;
}

/** The catalog picture of a product, PNG bytes (480 px square). */
export async function drawDemoProduct(product: DemoProduct, variant: DemoVariant = {}): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(demoProductSvg(product, variant))).png({ compressionLevel: 9 }).toBuffer());
}

/** A drawing as RGB pixels (for the embedder), `size` px square. Default 224. */
export async function drawDemoPixels(product: DemoProduct, variant: DemoVariant = {}, size = 224): Promise<RawImage> {
  const { data, info } = await sharp(Buffer.from(demoProductSvg(product, variant)))
    .resize(size, size)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}


const BACKGROUNDS = ['#f4f1ea', '#ffffff', '#e9eef2', '#f2e8e1', '#dfe7dc', '#d9d9d9', '#2b2b2b'];

/**
 * `count` deterministic variants (the first is the catalog picture itself): small rotations,
 * zooms, shifts and backgrounds, as a phone screen or printout held up to the camera would show.
 */
export function demoVariants(count: number, seed = 1): DemoVariant[] {
  const rnd = seededRandom(seed);
  const out: DemoVariant[] = [{}];
  for (let i = 1; i < count; i++) {
    out.push({
      rotate: Math.round((rnd() - 0.5) * 30),
      scale: 0.8 + rnd() * 0.35,
      dx: Math.round((rnd() - 0.5) * 50),
      dy: Math.round((rnd() - 0.5) * 40),
      background: BACKGROUNDS[i % BACKGROUNDS.length] ?? '#ffffff',
    });
  }
  return out;
}
