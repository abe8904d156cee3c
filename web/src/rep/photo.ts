// Photos: downscaled to ≤ 1600 px JPEG, hashed, kept in `blobs` until uploaded.
import type { BoucleDb } from '../db';
import { sha256Hex } from '../sync/ids';

export const MAX_PHOTO_EDGE = 1600;

export function fitWithin(w: number, h: number, max = MAX_PHOTO_EDGE): { w: number; h: number } {
  if (w <= max && h <= max) return { w, h };
  const k = max / Math.max(w, h);
  return { w: Math.round(w * k), h: Math.round(h * k) };
}

export async function downscale(file: Blob): Promise<Blob> {
  try {
    const bmp = await createImageBitmap(file);
    const { w, h } = fitWithin(bmp.width, bmp.height);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bmp, 0, 0, w, h);
    bmp.close?.();
    const out = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/jpeg', 0.82));
    return out ?? file;
  } catch {
    return file; // a format the browser cannot decode: keep the original bytes
  }
}

export async function storePhoto(db: BoucleDb, file: Blob, filename: string): Promise<{ sha256: string; size: number; content_type: string }> {
  const blob = await downscale(file);
  const sha256 = await sha256Hex(blob);
  const content_type = blob.type || 'image/jpeg';
  const existing = await db.blobs.get(sha256);
  if (!existing) {
    await db.blobs.put({ sha256, blob, content_type, size: blob.size, filename, uploaded: 0, complete: false, created_at: Math.floor(Date.now() / 1000) });
  }
  return { sha256, size: blob.size, content_type };
}
