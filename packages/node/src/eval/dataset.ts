import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@smartmirror/api';

/** One labelled image file of a dataset folder. */
export interface DatasetItem {
  path: string;
  label: string;
}

/** A dataset: one folder per label holding that label's images. */
export interface Dataset {
  dir: string;
  /** Labels with at least one image, sorted. */
  labels: string[];
  /** Every image, grouped by label in label order, files sorted by name. */
  items: DatasetItem[];
}

const IMAGE_FILE = /\.(jpe?g|png|webp|gif)$/i;

/** Lists `<dir>/<label>/*.{jpg,png,webp,gif}`; a missing dir or one without images is BAD_REQUEST. */
export async function listDataset(dir: string): Promise<Dataset> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new AppError('BAD_REQUEST', `Dataset folder ${dir} does not exist or cannot be read.`, { cause });
  });
  const labels: string[] = [];
  const items: DatasetItem[] = [];
  for (const label of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const files = (await readdir(join(dir, label))).filter((f) => IMAGE_FILE.test(f)).sort();
    if (files.length === 0) continue;
    labels.push(label);
    for (const f of files) items.push({ path: join(dir, label, f), label });
  }
  if (items.length === 0) throw new AppError('BAD_REQUEST', `Dataset folder ${dir} holds no <label>/<image> files.`);
  return { dir, labels, items };
}
