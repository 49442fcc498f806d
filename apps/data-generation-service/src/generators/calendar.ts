/** Calendar dates (YYYY-MM-DD) counted in UTC days, so no time zone or clock enters generated data. */

const MS_PER_DAY = 86_400_000;

export function epochDay(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function dateOfEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfEpochDay(epochDay(date) + days);
}

/** The calendar offset from Day 1 of a study day: day 1 is Day 1, day -1 the day before (there is no day 0). */
export function offsetOfStudyDay(studyDay: number): number {
  return studyDay >= 1 ? studyDay - 1 : studyDay;
}

/** The study day of a date, as the EDC counts it from the subject's Day 1. */
export function studyDayOf(date: string, dayOne: string): number {
  const offset = epochDay(date) - epochDay(dayOne);
  return offset >= 0 ? offset + 1 : offset;
}
