import type { StudyVisit } from '../studies/study-design.js';
import type { VitalSign } from '../vitals/vital-sign.entity.js';
import { toVitalSignResponse } from '../vitals/dto/subject-vitals.response.js';
import type { CasebookVisit, CasebookVitalSign } from './dto/casebook.response.js';
import { type StudyDayAnchor, studyDay, type VisitWindow, visitWindow, withinWindow } from './study-day.js';

/**
 * A subject's vital signs placed on the study's schedule: every scheduled visit in order (a
 * required one without vitals marked missing), then the visits the schedule does not name, by
 * their first visit date. Each record says its study day and whether it was within its window.
 * `vitals` come in the order they are shown within a visit.
 */
export function casebookVisits(schedule: readonly StudyVisit[], vitals: readonly VitalSign[], anchor: StudyDayAnchor | null): CasebookVisit[] {
  const byVisit = new Map<string, VitalSign[]>();
  for (const vital of vitals) {
    const records = byVisit.get(vital.visitName) ?? [];
    records.push(vital);
    byVisit.set(vital.visitName, records);
  }

  const scheduled = [...schedule]
    .sort((a, b) => a.displayOrder - b.displayOrder || a.visitName.localeCompare(b.visitName))
    .map((visit): CasebookVisit => {
      const window = visitWindow(visit);
      const records = byVisit.get(visit.visitName) ?? [];
      return {
        visit_name: visit.visitName,
        scheduled: true,
        planned_day: visit.plannedDay,
        window: { from_day: window.fromDay, to_day: window.toDay },
        required: visit.required,
        missing: visit.required && records.length === 0,
        vitals: records.map((vital) => placed(vital, anchor, window)),
      };
    });

  const scheduledNames = new Set(schedule.map((visit) => visit.visitName));
  const unscheduled = [...byVisit.entries()]
    .filter(([visitName]) => !scheduledNames.has(visitName))
    .sort(([nameA, a], [nameB, b]) => compareFirstDates(a, b) || nameA.localeCompare(nameB))
    .map(([visitName, records]): CasebookVisit => ({
      visit_name: visitName,
      scheduled: false,
      planned_day: null,
      window: null,
      required: false,
      missing: false,
      vitals: records.map((vital) => placed(vital, anchor, null)),
    }));

  return [...scheduled, ...unscheduled];
}

function placed(vital: VitalSign, anchor: StudyDayAnchor | null, window: VisitWindow | null): CasebookVitalSign {
  const day = anchor && vital.visitDate ? studyDay(vital.visitDate, anchor.date) : null;
  return { ...toVitalSignResponse(vital), study_day: day, within_window: withinWindow(day, window) };
}

/** Earlier first visit date first; visits without any date last. */
function compareFirstDates(a: readonly VitalSign[], b: readonly VitalSign[]): number {
  const first = (records: readonly VitalSign[]): string | undefined =>
    records.map((vital) => vital.visitDate).filter((date): date is string => date !== null).sort()[0];
  const [dateA, dateB] = [first(a), first(b)];
  if (dateA === dateB) return 0;
  if (dateA === undefined) return 1;
  if (dateB === undefined) return -1;
  return dateA < dateB ? -1 : 1;
}
