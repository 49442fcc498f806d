import { addDays, dateOfEpochDay, epochDay, studyDayOf } from './calendar.js';

describe('calendar dates', () => {
  it('count days as Date.UTC does, across leap years, centuries and 1970 (years 1 to 9999)', () => {
    for (let day = -719_162; day <= 2_900_000; day += 997) {
      const expected = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(dateOfEpochDay(day)).toBe(expected);
      expect(epochDay(expected)).toBe(day);
    }
  });

  it('add days over month and leap-day ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-01-06', -14)).toBe('2024-12-23');
  });

  it('count study days as the EDC does: no day 0', () => {
    expect(studyDayOf('2025-01-06', '2025-01-06')).toBe(1);
    expect(studyDayOf('2025-01-05', '2025-01-06')).toBe(-1);
    expect(studyDayOf('2025-02-02', '2025-01-06')).toBe(28);
  });
});
