import { studyDay, studyDayAnchor, visitWindow, withinWindow } from './study-day.js';

describe('studyDay', () => {
  it('counts the anchor as day 1 and the days after it from there', () => {
    expect(studyDay('2026-03-01', '2026-03-01')).toBe(1);
    expect(studyDay('2026-03-02', '2026-03-01')).toBe(2);
    expect(studyDay('2026-03-29', '2026-03-01')).toBe(29);
  });

  it('counts the day before the anchor as day -1: there is no day 0', () => {
    expect(studyDay('2026-02-28', '2026-03-01')).toBe(-1);
    expect(studyDay('2026-02-15', '2026-03-01')).toBe(-14);
    const days = ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'].map((date) => studyDay(date, '2026-03-01'));
    expect(days).toEqual([-2, -1, 1, 2]);
  });

  it('counts calendar days across month ends, leap days and daylight-saving changes', () => {
    expect(studyDay('2028-03-01', '2028-02-28')).toBe(3);
    expect(studyDay('2026-03-30', '2026-03-28')).toBe(3);
    expect(studyDay('2026-11-02', '2026-10-24')).toBe(10);
    expect(studyDay('2027-01-01', '2026-12-31')).toBe(2);
  });
});

describe('visitWindow and withinWindow', () => {
  const week4 = visitWindow({ plannedDay: 28, windowBefore: 3, windowAfter: 3 });
  const screening = visitWindow({ plannedDay: -1, windowBefore: 13, windowAfter: 0 });

  it('spans the planned day minus its window before to the planned day plus its window after', () => {
    expect(week4).toEqual({ fromDay: 25, toDay: 31 });
    expect(screening).toEqual({ fromDay: -14, toDay: -1 });
  });

  it('includes both edges and nothing beyond them', () => {
    expect([24, 25, 28, 31, 32].map((day) => withinWindow(day, week4))).toEqual([false, true, true, true, false]);
    expect([-15, -14, -1, 1].map((day) => withinWindow(day, screening))).toEqual([false, true, true, false]);
  });

  it('is exact for a visit without a window', () => {
    const day1 = visitWindow({ plannedDay: 1, windowBefore: 0, windowAfter: 0 });
    expect([-1, 1, 2].map((day) => withinWindow(day, day1))).toEqual([false, true, false]);
  });

  it('answers null when the day or the window is unknown', () => {
    expect(withinWindow(null, week4)).toBeNull();
    expect(withinWindow(28, null)).toBeNull();
  });

  it('places dates relative to the anchor at the window edges', () => {
    const anchor = '2026-03-01';
    expect(withinWindow(studyDay('2026-03-25', anchor), week4)).toBe(true); // day 25
    expect(withinWindow(studyDay('2026-03-24', anchor), week4)).toBe(false); // day 24
    expect(withinWindow(studyDay('2026-03-31', anchor), week4)).toBe(true); // day 31
    expect(withinWindow(studyDay('2026-04-01', anchor), week4)).toBe(false); // day 32
    expect(withinWindow(studyDay('2026-02-15', anchor), screening)).toBe(true); // day -14
    expect(withinWindow(studyDay('2026-02-14', anchor), screening)).toBe(false); // day -15
  });
});

describe('studyDayAnchor', () => {
  const randomizedAt = new Date('2026-03-05T23:30:00.000Z');

  it("is the earliest date of the study's baseline visit", () => {
    const visits = [
      { visitName: 'Screening', visitDate: '2026-02-20' },
      { visitName: 'Day 1', visitDate: '2026-03-02' },
      { visitName: 'Day 1', visitDate: '2026-03-01' },
    ];
    expect(studyDayAnchor('Day 1', visits, randomizedAt)).toEqual({ date: '2026-03-01', from: 'baseline_visit' });
  });

  it('is the day of randomization (UTC) when the baseline visit has no date yet, or the study names none', () => {
    const undated = [{ visitName: 'Day 1', visitDate: null }];
    expect(studyDayAnchor('Day 1', undated, randomizedAt)).toEqual({ date: '2026-03-05', from: 'randomization' });
    expect(studyDayAnchor(null, [{ visitName: 'Day 1', visitDate: '2026-03-01' }], randomizedAt)).toEqual({
      date: '2026-03-05',
      from: 'randomization',
    });
  });

  it('is absent without either', () => {
    expect(studyDayAnchor('Day 1', [{ visitName: 'Screening', visitDate: '2026-02-20' }], null)).toBeNull();
  });
});
