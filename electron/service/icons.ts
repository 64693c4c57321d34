// Rolebar's icons, drawn in code: a clock ring with one hand (the session countdown). The tray icons are made at
// run time (no binary files to keep in step), the packaging icons by build/icons.ts from the same drawing.
import { deflateSync } from 'node:zlib';

/** Which tray icon: a macOS template (black + alpha, recoloured by the OS), or for light / dark panels. */
export type TrayIconVariant = 'template' | 'on-light' | 'on-dark';

type Rgba = readonly [number, number, number, number];

const INK: Record<TrayIconVariant, Rgba> = {
  template: [0, 0, 0, 255],
  'on-light': [32, 33, 36, 255],
  'on-dark': [240, 240, 240, 255],
};

/** Coverage (0..1) of the glyph at a point of the unit square: a ring, a hand to 12 and one to 2 o'clock. */
function glyph(x: number, y: number): number {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  const ring = Math.abs(r - 0.38) <= 0.07;
  const up = Math.abs(dx) <= 0.055 && dy <= 0 && dy >= -0.26;
  // The second hand, towards 2 o'clock (60° from 12).
  const along = dx * Math.sin(Math.PI / 3) - dy * Math.cos(Math.PI / 3);
  const across = dx * Math.cos(Math.PI / 3) + dy * Math.sin(Math.PI / 3);
  const two = Math.abs(across) <= 0.055 && along >= 0 && along <= 0.2;
  const hub = r <= 0.075;
  return ring || up || two || hub ? 1 : 0;
}

/** Draws `size`×`size` RGBA pixels, 4×4 supersampled for smooth edges. */
function draw(size: number, ink: Rgba, background?: { colour: Rgba; radius: number }): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let cover = 0;
      let inside = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (background) {
            if (!inRoundedSquare(x, y, background.radius)) continue;
            inside++;
            // The glyph sits inside the badge, a little smaller.
            cover += glyph((x - 0.5) / 0.8 + 0.5, (y - 0.5) / 0.8 + 0.5);
          } else cover += glyph(x, y);
        }
      }
      const n = samples * samples;
      const at = (py * size + px) * 4;
      if (background) {
        const c = cover / Math.max(1, inside);
        for (let i = 0; i < 3; i++) {
          pixels[at + i] = Math.round((background.colour[i] as number) * (1 - c) + (ink[i] as number) * c);
        }
        pixels[at + 3] = Math.round((255 * inside) / n);
      } else {
        pixels.set(ink.slice(0, 3), at);
        pixels[at + 3] = Math.round(((ink[3] as number) * cover) / n);
      }
    }
  }
  return pixels;
}

function inRoundedSquare(x: number, y: number, radius: number): boolean {
  const m = 0.04;
  const cx = Math.min(Math.max(x, m + radius), 1 - m - radius);
  const cy = Math.min(Math.max(y, m + radius), 1 - m - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** A tray icon as PNG bytes (16 px at 1×; pass 32 for 2× displays). */
export function trayIconPng(variant: TrayIconVariant, size = 16): Buffer {
  return encodePng(size, size, draw(size, INK[variant]));
}

/** The application icon (packaging, window): the glyph in white on a teal rounded square. */
export function appIconPng(size = 512): Buffer {
  return encodePng(
    size,
    size,
    draw(size, [255, 255, 255, 255], { colour: [15, 118, 110, 255], radius: 0.2 }),
  );
}

/** Encodes RGBA pixels as a PNG (8-bit, colour type 6, no interlace). */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
