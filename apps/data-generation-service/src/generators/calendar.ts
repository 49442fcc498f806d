/**
 * Calendar dates (YYYY-MM-DD) counted in UTC days, so no time zone or clock enters generated data.
 * Converted by arithmetic (Howard Hinnant's days-from-civil) rather than through Date and
 * toISOString: a million records ask for millions of dates.
 */

export function epochDay(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function dateOfEpochDay(epoch: number): string {
  const z = epoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
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
