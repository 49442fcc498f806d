import { addDays, offsetOfStudyDay } from './calendar.js';
import type { GeneratedSubject, Omission, RandomStream, TrialDesign } from './dataset.js';

/** One scheduled visit of a subject: when it falls, and whether it took place. */
export interface ScheduledVisit {
  visitName: string;
  studyDay: number;
  /** YYYY-MM-DD. */
  date: string;
  /** ISO 8601 in UTC without milliseconds, between 08:00 and 17:00. */
  measurementTime: string;
  done: boolean;
}

export interface SubjectSchedule {
  /** YYYY-MM-DD: study day 1 (the baseline visit's date). */
  dayOne: string;
  consentDate: string;
  visits: ScheduledVisit[];
  omissions: Omission[];
  status: GeneratedSubject['Status'];
  /** The date of the last visit that took place (never before Day 1). */
  lastVisitDate: string;
}

export interface ScheduleRates {
  missing_rate: number;
  dropout_rate: number;
}

/** How many days before its earliest visit window a subject consents, at most. */
const MAX_CONSENT_LEAD_DAYS = 3;
const FIRST_MINUTE = 8 * 60;
const LAST_MINUTE = 17 * 60 - 1;

/** The index of the baseline visit: the one the design names, else the first on or after day 1, else the first. */
export function baselineIndex(design: TrialDesign): number {
  const named = design.visits.findIndex((visit) => visit.visitName === design.baselineVisit);
  if (named >= 0) return named;
  const firstOnDayOne = design.visits.findIndex((visit) => visit.plannedDay >= 1);
  return firstOnDayOne >= 0 ? firstOnDayOne : 0;
}

/** Day 1 of the subject at `index` (from 0) of `total`: spread evenly over the enrolment days, the first on the reference date. */
export function dayOneOf(referenceDate: string, enrolmentDays: number, index: number, total: number): string {
  return addDays(referenceDate, Math.floor((index * enrolmentDays) / total));
}

/**
 * A subject's visit dates, missed visits and dropout. Every visit draws the same number of values
 * whatever the rates, so changing a rate moves no date.
 */
export function scheduleFor(design: TrialDesign, rates: ScheduleRates, subjectId: string, dayOne: string, random: RandomStream): SubjectSchedule {
  const baseline = baselineIndex(design);
  const visits = design.visits.map((visit, index) => {
    const drawnDay = dayInWindow(visit, random);
    const studyDay = index === baseline && withinWindow(1, visit) ? 1 : drawnDay;
    const date = addDays(dayOne, offsetOfStudyDay(studyDay));
    const minute = random.integer(FIRST_MINUTE, LAST_MINUTE);
    const missed = random.uniform() < rates.missing_rate;
    return { visitName: visit.visitName, studyDay, date, measurementTime: timeOn(date, minute), done: index === baseline || !missed };
  });
  const dropsOut = random.uniform() < rates.dropout_rate;
  const postBaseline = design.visits.length - baseline - 1;
  const dropoutIndex = postBaseline > 0 ? baseline + 1 + random.integer(0, postBaseline - 1) : null;
  const consentLead = random.integer(0, MAX_CONSENT_LEAD_DAYS);

  const omissions: Omission[] = [];
  const withdrawn = dropsOut && dropoutIndex !== null;
  visits.forEach((visit, index) => {
    if (withdrawn && index >= dropoutIndex) {
      visit.done = false;
      if (index === dropoutIndex) omissions.push({ kind: 'dropout', SubjectID: subjectId, VisitName: visit.visitName });
    } else if (!visit.done) {
      omissions.push({ kind: 'missing_visit', SubjectID: subjectId, VisitName: visit.visitName });
    }
  });

  const earliestOffset = Math.min(0, ...design.visits.map((visit) => offsetOfStudyDay(windowOf(visit).fromDay)));
  const doneDates = visits.filter((visit) => visit.done).map((visit) => visit.date);
  const lastVisitDate = [dayOne, ...doneDates].reduce((latest, date) => (date > latest ? date : latest));
  return {
    dayOne,
    consentDate: addDays(dayOne, earliestOffset - consentLead),
    visits,
    omissions,
    status: withdrawn ? 'withdrawn' : 'completed',
    lastVisitDate,
  };
}

/** A visit's window in study days, as the EDC reads it (planned day minus the days before, plus the days after). */
export function windowOf(visit: TrialDesign['visits'][number]): { fromDay: number; toDay: number } {
  return { fromDay: visit.plannedDay - visit.windowBefore, toDay: visit.plannedDay + visit.windowAfter };
}

function withinWindow(studyDay: number, visit: TrialDesign['visits'][number]): boolean {
  const window = windowOf(visit);
  return window.fromDay <= studyDay && studyDay <= window.toDay;
}

/** A study day uniform over the visit's window; day 0 does not exist, so a window across it has one day fewer. */
function dayInWindow(visit: TrialDesign['visits'][number], random: RandomStream): number {
  const { fromDay, toDay } = windowOf(visit);
  const spansZero = fromDay <= 0 && toDay >= 0;
  const days = toDay - fromDay + 1 - (spansZero ? 1 : 0);
  if (days <= 0) return visit.plannedDay;
  const day = fromDay + random.integer(0, days - 1);
  return spansZero && day >= 0 ? day + 1 : day;
}

function timeOn(date: string, minuteOfDay: number): string {
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(minuteOfDay % 60).padStart(2, '0');
  return `${date}T${hours}:${minutes}:00Z`;
}
