import { readFile } from 'node:fs/promises';
import type { SourceRow } from '../generators/dataset.js';
import { InvalidSourceRecordError, sourceRowsFromRecords, type StoreVitalsRecord } from '../generators/source-rows.js';
import { UsageError } from './usage-error.js';

export interface SourceFile {
  rows: SourceRow[];
  /** For the manifest, worded as the API words supplied records, so both give the same manifest. */
  description: string;
}

/** `--source file.json`: an array of records in store-vitals field names, or a preview (`{"records": [...]}`). */
export async function readSourceFile(path: string): Promise<SourceFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--source: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--source: ${path} is not JSON (${(error as Error).message})`);
  }
  const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || records.length === 0) {
    throw new UsageError(`--source: ${path} must hold a non-empty array of records, or a preview with one under "records"`);
  }
  try {
    return { rows: sourceRowsFromRecords(records as StoreVitalsRecord[]), description: `${records.length} supplied records` };
  } catch (error) {
    if (error instanceof InvalidSourceRecordError) throw new UsageError(`--source: ${error.message}`);
    throw error;
  }
}
