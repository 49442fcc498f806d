/** A value repair moved into its plausible range. */
export interface RepairChangeEntry {
  index: number;
  field: string;
  old: number;
  new: number;
}

/** The least gap between systolic and diastolic of a repaired record (the default rule VS005). */
const MIN_PULSE_PRESSURE = 5;

/** The design's plausible ranges for synthetic records (narrower than the capture rules). */
export const PLAUSIBLE_RANGES = {
  SystolicBP: { min: 95, max: 200, decimals: 0 },
  DiastolicBP: { min: 55, max: 130, decimals: 0 },
  HeartRate: { min: 50, max: 120, decimals: 0 },
  Temperature: { min: 35, max: 40, decimals: 1 },
  RespiratoryRate: { min: 8, max: 30, decimals: 0 },
} as const;

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Clips each numeric value into its plausible range (and the diastolic at least 5 below the systolic), and
 * lists every change with the value sent. Values that are not numbers are left as they are.
 */
export function repairRecords(records: Array<Record<string, unknown>>): { records: Array<Record<string, unknown>>; changes: RepairChangeEntry[] } {
  const changes: RepairChangeEntry[] = [];
  const repaired = records.map((record, index) => {
    const result = { ...record };
    for (const [field, range] of Object.entries(PLAUSIBLE_RANGES)) {
      const value = result[field];
      if (isNumber(value)) result[field] = round(Math.min(Math.max(value, range.min), range.max), range.decimals);
    }
    // 5 mmHg apart at least, so a repaired record passes the quality service's VS005 too.
    if (isNumber(result.SystolicBP) && isNumber(result.DiastolicBP) && result.DiastolicBP > result.SystolicBP - MIN_PULSE_PRESSURE) {
      result.DiastolicBP = result.SystolicBP - MIN_PULSE_PRESSURE;
    }
    for (const field of Object.keys(PLAUSIBLE_RANGES)) {
      if (isNumber(record[field]) && result[field] !== record[field]) changes.push({ index, field, old: record[field], new: result[field] as number });
    }
    return result;
  });
  return { records: repaired, changes };
}
