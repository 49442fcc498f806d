import type { DatasetRow } from './dataset.row.js';

/**
 * The version that made a stored dataset, from its manifest; null for one with no manifest (not
 * stored: queued, running, failed or cancelled), which has no stored bytes an export could differ from.
 */
export function madeByVersion(row: Pick<DatasetRow, 'manifest'>): string | null {
  const version = row.manifest?.software_version;
  return typeof version === 'string' ? version : null;
}

/**
 * Why this platform may not export a stored dataset, or null when it may: an export is the dataset
 * made again, and another version's generators may give other bytes than those stored (and its
 * manifest would name the wrong version).
 */
export function exportVersionConflict(datasetId: string, madeBy: string | null, running: string): string | null {
  if (madeBy === null || madeBy === running) return null;
  return (
    `dataset ${datasetId} was made by version ${madeBy}; this platform is version ${running}, whose generators may give other bytes: ` +
    `export it with version ${madeBy} (npm run generate with the stored parameters)`
  );
}
