import type { StudyVisit } from '../studies/study-design.js';
import type { VitalSign } from '../vitals/vital-sign.entity.js';
import { casebookVisits } from './casebook-visits.js';

const SCHEDULE: StudyVisit[] = [
  { visitName: 'Week 4', displayOrder: 3, plannedDay: 28, windowBefore: 3, windowAfter: 3, required: true },
  { visitName: 'Screening', displayOrder: 1, plannedDay: -1, windowBefore: 13, windowAfter: 0, required: true },
  { visitName: 'Day 1', displayOrder: 2, plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true },
  { visitName: 'Follow-up', displayOrder: 4, plannedDay: 90, windowBefore: 0, windowAfter: 10, required: false },
];

let counter = 0;
function vital(visitName: string, visitDate: string | null): VitalSign {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    patientId: 'p',
    visitName,
    visitDate,
    measurementTime: null,
    systolicBp: 120,
    diastolicBp: 80,
    heartRate: 70,
    temperature: 36.6,
    respiratoryRate: null,
    dataBatch: 'b',
    createdAt: new Date('2026-04-01T00:00:00.000Z'),
    updatedAt: null,
    enteredInErrorAt: null,
    enteredInErrorReason: null,
  };
}

describe('casebookVisits', () => {
  const anchor = { date: '2026-03-01', from: 'baseline_visit' as const };

  it('lists the schedule in order, marks required visits without vitals missing, and puts unscheduled visits after it', () => {
    const visits = casebookVisits(
      SCHEDULE,
      [vital('Unplanned B', '2026-03-20'), vital('Day 1', '2026-03-01'), vital('Unplanned A', null), vital('Unplanned C', '2026-03-10')],
      anchor,
    );
    expect(visits.map((visit) => [visit.visit_name, visit.scheduled, visit.missing, visit.vitals.length])).toEqual([
      ['Screening', true, true, 0],
      ['Day 1', true, false, 1],
      ['Week 4', true, true, 0],
      ['Follow-up', true, false, 0],
      ['Unplanned C', false, false, 1],
      ['Unplanned B', false, false, 1],
      ['Unplanned A', false, false, 1],
    ]);
    expect(visits[2]).toMatchObject({ planned_day: 28, window: { from_day: 25, to_day: 31 }, required: true });
    expect(visits[4]).toMatchObject({ planned_day: null, window: null, required: false });
  });

  it('gives each record its study day and whether it was within its window', () => {
    const visits = casebookVisits(
      SCHEDULE,
      [vital('Screening', '2026-02-14'), vital('Screening', '2026-02-15'), vital('Week 4', '2026-03-31'), vital('Week 4', null), vital('Extra', '2026-03-05')],
      anchor,
    );
    const days = (name: string) => visits.find((visit) => visit.visit_name === name)!.vitals.map((v) => [v.study_day, v.within_window]);
    expect(days('Screening')).toEqual([
      [-15, false],
      [-14, true],
    ]);
    expect(days('Week 4')).toEqual([
      [31, true],
      [null, null],
    ]);
    expect(days('Extra')).toEqual([[5, null]]);
  });

  it('gives no study days without a day 1', () => {
    const [screening] = casebookVisits(SCHEDULE, [vital('Screening', '2026-02-20')], null);
    expect(screening.vitals[0]).toMatchObject({ study_day: null, within_window: null, visit_date: '2026-02-20' });
  });
});
