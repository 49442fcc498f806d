/** The records both ingestion paths load: the same shape, so the service and COPY do the same work. */
export interface VitalRecordBody {
  SubjectID: string;
  VisitName: string;
  TreatmentArm: string;
  SystolicBP: number;
  DiastolicBP: number;
  HeartRate: number;
  Temperature: number;
  RespiratoryRate: number;
  SiteID: string;
  ProtocolID: string;
  VisitDate: string;
  MeasurementTime: string;
}

export const VISITS = [
  { name: 'Screening', day: 0 },
  { name: 'Baseline', day: 14 },
  { name: 'Week 4', day: 42 },
  { name: 'Week 8', day: 70 },
  { name: 'Week 12', day: 98 },
] as const;

const ARMS = ['Active', 'Placebo'];
/** Fixed and in the past, so records stay valid (no future dates) and runs stay comparable. */
const FIRST_SCREENING = Date.UTC(2025, 0, 6);
const DAY_MS = 86_400_000;

export function subjectIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);
}

/** Deterministic (seeded per subject) so every run stores the same values. */
function generator(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/** All visits of each subject, subject after subject: a batch of 100 is then 20 whole subjects. */
export function vitalRecords(subjects: string[], protocolId: string): VitalRecordBody[] {
  return subjects.flatMap((subject, index) => {
    const next = generator(index * 7_919 + 17);
    const screening = FIRST_SCREENING + (index % 120) * DAY_MS;
    return VISITS.map((visit) => {
      const at = new Date(screening + visit.day * DAY_MS + next(8 * 60, 16 * 60) * 60_000);
      const systolic = next(95, 165);
      return {
        SubjectID: subject,
        VisitName: visit.name,
        TreatmentArm: ARMS[index % ARMS.length],
        SystolicBP: systolic,
        DiastolicBP: next(55, Math.min(105, systolic - 15)),
        HeartRate: next(50, 110),
        Temperature: next(360, 379) / 10,
        RespiratoryRate: next(12, 20),
        SiteID: `S${String((index % 10) + 1).padStart(2, '0')}`,
        ProtocolID: protocolId,
        VisitDate: at.toISOString().slice(0, 10),
        MeasurementTime: at.toISOString(),
      };
    });
  });
}

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
