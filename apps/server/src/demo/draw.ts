import sharp, { type Sharp } from 'sharp';
import { seededRandom, type RawImage } from '@smartmirror/core';
import type { DemoArt, DemoPattern, DemoProduct } from './catalog.ts';

/** Side of the drawn product images, px. */
export const DEMO_IMAGE_SIZE = 480;

/**
 * How a camera might see the catalog picture: shown on a phone or printed, held at some distance,
 * angle and place in front of something else, under other light. Used to teach several examples
 * per product, and (with other values) to check that the demo is recognised.
 */
export interface DemoVariant {
  /** Degrees, clockwise. Default 0. */
  rotate?: number;
  /** Side of the picture as a fraction of the frame's shorter side (above 1: closer than the frame). Default 1. */
  scale?: number;
  /** Shift of the picture's centre, in fractions of the frame's shorter side. Default 0. */
  dx?: number;
  dy?: number;
  /** What is around the picture (CSS colour). Default '#808080'. */
  background?: string;
  /** Mottle the background (a wall, a sleeve, a shop) instead of a flat colour. Default false. */
  texture?: boolean;
  /** Brightness multiplier (light, exposure). Default 1. */
  brightness?: number;
  /** Gaussian blur sigma in px of a 480-px frame (focus, motion). Default 0: none. */
  blur?: number;
  /** JPEG round trip at this quality (1–100), as a camera stream compresses. Default none. */
  jpeg?: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Each shape is drawn in a 400×400 box centred on (200, 200), over its pattern.
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

// Full-bleed patterns, one per product, in a 480×480 picture. Mid-level CNN features respond to
// texture far more than to outlines, and flat cartoons on one shared beige all embed alike: a bold
// pattern of its own is what makes each demo picture recognisable at any size, angle or light.
function pattern(kind: DemoPattern, a: string, b: string): string {
  const def = (w: number, h: number, body: string, transform = ''): string =>
    `<pattern id="p" width="${w}" height="${h}" patternUnits="userSpaceOnUse"${transform ? ` patternTransform="${transform}"` : ''}><rect width="${w}" height="${h}" fill="${a}"/>${body}</pattern>`;
  switch (kind) {
    case 'stripes':
      return def(60, 60, `<rect width="30" height="60" fill="${b}"/>`, 'rotate(45)');
    case 'dots':
      return def(80, 80, `<circle cx="20" cy="20" r="16" fill="${b}"/><circle cx="60" cy="60" r="16" fill="${b}"/>`);
    case 'checks':
      return def(120, 120, `<rect width="60" height="60" fill="${b}"/><rect x="60" y="60" width="60" height="60" fill="${b}"/>`);
    case 'chevrons':
      return def(80, 60, `<path d="M0 10 L40 40 L80 10 L80 30 L40 60 L0 30 Z" fill="${b}"/>`);
    case 'bands':
      return def(90, 90, `<rect y="45" width="90" height="45" fill="${b}"/>`);
    case 'waves':
      return def(100, 50, `<path d="M0 25 Q 25 0 50 25 T 100 25" stroke="${b}" stroke-width="12" fill="none"/>`);
    case 'rays':
      // Not a tile: wedges from the centre of the picture.
      return `<g id="p">${Array.from({ length: 16 }, (_, i) => {
        const t0 = (i * Math.PI) / 8;
        const t1 = t0 + Math.PI / 16;
        return `<path d="M240 240 L${240 + 600 * Math.cos(t0)} ${240 + 600 * Math.sin(t0)} L${240 + 600 * Math.cos(t1)} ${240 + 600 * Math.sin(t1)} Z" fill="${b}"/>`;
      }).join('')}</g>`;
    case 'diamonds':
      return def(70, 70, `<path d="M35 0 L70 35 L35 70 L0 35 Z" fill="${b}"/>`);
    case 'bricks':
      return def(100, 60, `<g fill="${b}"><rect x="3" y="3" width="94" height="24"/><rect x="-47" y="33" width="94" height="24"/><rect x="53" y="33" width="94" height="24"/></g>`);
    case 'scales':
      return def(60, 40, `<g fill="${b}" stroke="${a}" stroke-width="5"><circle cx="30" cy="40" r="28"/><circle cx="0" cy="20" r="28"/><circle cx="60" cy="20" r="28"/><circle cx="30" cy="0" r="28"/></g>`);
    case 'bubbles':
      return def(90, 90, `<g fill="none" stroke="${b}" stroke-width="6"><circle cx="22" cy="24" r="16"/><circle cx="66" cy="50" r="10"/><circle cx="30" cy="72" r="7"/></g>`);
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The catalog picture's content (480×480 user units): its pattern, and the product drawn large on top. */
function picture(product: DemoProduct): string {
  const [main, accent] = product.colours;
  const [a, b] = product.pattern.colours;
  const bg = product.pattern.kind === 'rays' ? `<rect width="480" height="480" fill="${a}"/>${pattern('rays', a, b)}` : `<defs>${pattern(product.pattern.kind, a, b)}</defs><rect width="480" height="480" fill="url(#p)"/>`;
  // A pale disc of the pattern's colour (not one white shared by every product) with a dark rim,
  // so the product stands out of its pattern.
  return `${bg}<circle cx="240" cy="240" r="185" fill="#ffffff"/><circle cx="240" cy="240" r="185" fill="${a}" fill-opacity="0.3" stroke="#111" stroke-width="8"/>
  <g transform="translate(40 40)">${shape(product.art, main, accent, product.name)}</g>`;
}

/**
 * The SVG of a product's picture as a camera might see it (see DemoVariant), in a
 * `width`×`height` frame; the default variant is the catalog picture itself.
 */
export function demoProductSvg(product: DemoProduct, variant: DemoVariant = {}, width = DEMO_IMAGE_SIZE, height = width): string {
  const side = Math.min(width, height);
  const k = ((variant.scale ?? 1) * side) / DEMO_IMAGE_SIZE;
  const cx = width / 2 + (variant.dx ?? 0) * side;
  const cy = height / 2 + (variant.dy ?? 0) * side;
  const bg = variant.background ?? '#808080';
  const texture = variant.texture
    ? `<filter id="mottle"><feTurbulence type="fractalNoise" baseFrequency="${(0.035 * DEMO_IMAGE_SIZE) / side}" numOctaves="3" seed="7"/><feColorMatrix type="matrix" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0.55 0"/></filter><rect width="${width}" height="${height}" filter="url(#mottle)"/>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <rect width="${width}" height="${height}" fill="${bg}"/>${texture}
  <g transform="translate(${cx} ${cy}) rotate(${variant.rotate ?? 0}) scale(${k}) translate(-240 -240)">${picture(product)}</g>
</svg>`;
}

/** The camera-like effects of a variant (light, focus, compression) applied to the rendered SVG. */
async function rendered(product: DemoProduct, variant: DemoVariant, width: number, height: number): Promise<Sharp> {
  let img = sharp(Buffer.from(demoProductSvg(product, variant, width, height))).removeAlpha();
  if (variant.brightness !== undefined && variant.brightness !== 1) img = img.modulate({ brightness: variant.brightness });
  if (variant.blur) img = img.blur(Math.max(0.3, (variant.blur * Math.min(width, height)) / DEMO_IMAGE_SIZE));
  if (variant.jpeg === undefined) return img;
  return sharp(await img.jpeg({ quality: Math.round(variant.jpeg) }).toBuffer());
}

/** The catalog picture of a product (or a variant of it), PNG bytes, `width`×`height` px (default 480 square). */
export async function drawDemoProduct(product: DemoProduct, variant: DemoVariant = {}, width = DEMO_IMAGE_SIZE, height = width): Promise<Uint8Array> {
  return new Uint8Array(await (await rendered(product, variant, width, height)).png({ compressionLevel: 9 }).toBuffer());
}

/** A drawing as RGB pixels (for the embedder), `size` px square (the embedder's info.inputSize). */
export async function drawDemoPixels(product: DemoProduct, variant: DemoVariant, size: number): Promise<RawImage> {
  // Drawn at 480 px and scaled down, as the embedder scales a camera frame: rendering straight at
  // the input size aliases the patterns: 81 instead of 87 of 88 held-up pictures named (measured).
  const { data, info } = await (await rendered(product, variant, DEMO_IMAGE_SIZE, DEMO_IMAGE_SIZE))
    .resize(size, size)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

/** Backgrounds the taught variants are drawn on; checks of recognition use other ones. */
export const TEACH_BACKGROUNDS: readonly string[] = ['#808080', '#ffffff', '#202020', '#e9e2d0', '#9fb4c7', '#b58d6e', '#5b6b4e'];

/**
 * `count` deterministic variants (the first is the catalog picture itself): the picture filling
 * the frame or held up smaller, turned, shifted, on plain and mottled backgrounds, under brighter
 * and dimmer light, slightly out of focus and JPEG-compressed: what a camera shows of a phone
 * screen or a printout. `backgrounds` are cycled through.
 */
export function demoVariants(count: number, seed = 1, backgrounds: readonly string[] = TEACH_BACKGROUNDS): DemoVariant[] {
  const rnd = seededRandom(seed);
  const out: DemoVariant[] = [{}];
  for (let i = 1; i < count; i++) {
    // Every other variant fills the frame (close up), the others are held further away.
    const close = i % 2 === 1;
    out.push({
      rotate: Math.round((rnd() - 0.5) * 40),
      scale: close ? 1 + rnd() * 0.35 : 0.65 + rnd() * 0.3,
      dx: Math.round((rnd() - 0.5) * 20) / 100,
      dy: Math.round((rnd() - 0.5) * 20) / 100,
      background: backgrounds[i % backgrounds.length] ?? '#808080',
      texture: rnd() < 0.5,
      brightness: Math.round((0.7 + rnd() * 0.6) * 100) / 100,
      blur: rnd() < 0.5 ? Math.round(rnd() * 15) / 10 : 0,
      jpeg: Math.round(40 + rnd() * 55),
    });
  }
  return out;
}

/** Backgrounds of the held-out showings: none of them is a teaching background. */
export const SHOW_BACKGROUNDS: readonly string[] = ['#6d4c41', '#cfd8dc', '#37474f', '#f5f5dc', '#8e9a7b'];

/**
 * `count` deterministic ways a person might hold the picture up to the mirror, none of them a
 * taught variant: other backgrounds, framing (70–125 % of the frame), angle, light, focus and
 * compression. Used to check that the taught demo is recognised, never to teach.
 */
export function demoShowings(count: number, seed = 2): DemoVariant[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    rotate: Math.round((rnd() - 0.5) * 40),
    scale: 0.7 + rnd() * 0.55,
    dx: Math.round((rnd() - 0.5) * 16) / 100,
    dy: Math.round((rnd() - 0.5) * 16) / 100,
    background: SHOW_BACKGROUNDS[i % SHOW_BACKGROUNDS.length] ?? '#6d4c41',
    texture: rnd() < 0.5,
    brightness: Math.round((0.75 + rnd() * 0.5) * 100) / 100,
    blur: rnd() < 0.5 ? Math.round(rnd() * 10) / 10 : 0,
    jpeg: Math.round(50 + rnd() * 40),
  }));
}
