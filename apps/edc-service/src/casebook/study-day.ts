/** A calendar date as PostgreSQL gives a `date`: `YYYY-MM-DD`. */
export type CalendarDate = string;

/** Which date is study day 1 for a subject, and where it came from. */
export interface StudyDayAnchor {
  date: CalendarDate;
  from: 'baseline_visit' | 'randomization';
}

/** The study days a visit is expected on: planned day minus its window before, to planned day plus its window after. */
export interface VisitWindow {
  fromDay: number;
  toDay: number;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a calendar date, counted in UTC so no time zone shifts a day. */
function epochDay(date: CalendarDate): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/**
 * The study day of a date: the anchor is day 1, the day after it day 2, the day before it day -1.
 * There is no day 0, as clinical protocols count.
 */
export function studyDay(date: CalendarDate, anchor: CalendarDate): number {
  const offset = epochDay(date) - epochDay(anchor);
  return offset >= 0 ? offset + 1 : offset;
}

export function visitWindow(visit: { plannedDay: number; windowBefore: number; windowAfter: number }): VisitWindow {
  return { fromDay: visit.plannedDay - visit.windowBefore, toDay: visit.plannedDay + visit.windowAfter };
}

/** Whether a study day falls in a window (edges included); null when either is unknown. */
export function withinWindow(day: number | null, window: VisitWindow | null): boolean | null {
  if (day === null || window === null) return null;
  return window.fromDay <= day && day <= window.toDay;
}

/**
 * Study day 1 of a subject: the earliest date the study's baseline visit was recorded on; failing
 * that (no baseline visit named, or not yet recorded with a date), the day the subject was
 * randomized (in UTC); else none, and no study days can be given.
 */
export function studyDayAnchor(
  baselineVisit: string | null,
  visits: ReadonlyArray<{ visitName: string; visitDate: CalendarDate | null }>,
  randomizedAt: Date | null,
): StudyDayAnchor | null {
  const baselineDates = visits
    .flatMap((visit) => (baselineVisit !== null && visit.visitName === baselineVisit && visit.visitDate !== null ? [visit.visitDate] : []))
    .sort();
  if (baselineDates.length > 0) return { date: baselineDates[0], from: 'baseline_visit' };
  if (randomizedAt) return { date: randomizedAt.toISOString().slice(0, 10), from: 'randomization' };
  return null;
}
