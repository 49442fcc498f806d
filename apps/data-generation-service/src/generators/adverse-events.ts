import { addDays, epochDay } from './calendar.js';
import type { GeneratedAdverseEvent, RandomStream } from './dataset.js';
import { poisson, weightedChoice } from './random.js';
import { ACTIVE_ARM } from './rules.js';

/**
 * Adverse events in values the EDC accepts. The vocabularies mirror the EDC's adverse-event fields
 * (system organ classes, relationships, outcomes, actions taken, grades 1–5) and its rules between
 * them: grade 5 ⇔ outcome fatal, a fatal event is serious, end date on or after onset. A service
 * does not import another's code: a change there must be made here too.
 */
export const AE_RELATIONSHIPS = ['not_related', 'unlikely_related', 'possibly_related', 'probably_related', 'related'] as const;
export const AE_OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'] as const;
export const AE_ACTIONS_TAKEN = ['none', 'dose_reduced', 'dose_increased', 'drug_interrupted', 'drug_withdrawn', 'not_applicable', 'unknown'] as const;
export const FATAL_GRADE = 5;

/** Common non-serious events (MedDRA preferred terms with their system organ class), with relative frequencies. */
export const COMMON_TERMS: ReadonlyArray<readonly [{ term: string; bodySystem: string }, number]> = [
  [{ term: 'Headache', bodySystem: 'Nervous system disorders' }, 12],
  [{ term: 'Dizziness', bodySystem: 'Nervous system disorders' }, 8],
  [{ term: 'Nausea', bodySystem: 'Gastrointestinal disorders' }, 8],
  [{ term: 'Diarrhoea', bodySystem: 'Gastrointestinal disorders' }, 6],
  [{ term: 'Constipation', bodySystem: 'Gastrointestinal disorders' }, 3],
  [{ term: 'Fatigue', bodySystem: 'General disorders and administration site conditions' }, 8],
  [{ term: 'Oedema peripheral', bodySystem: 'General disorders and administration site conditions' }, 4],
  [{ term: 'Hypotension', bodySystem: 'Vascular disorders' }, 5],
  [{ term: 'Cough', bodySystem: 'Respiratory, thoracic and mediastinal disorders' }, 5],
  [{ term: 'Nasopharyngitis', bodySystem: 'Infections and infestations' }, 9],
  [{ term: 'Upper respiratory tract infection', bodySystem: 'Infections and infestations' }, 6],
  [{ term: 'Urinary tract infection', bodySystem: 'Infections and infestations' }, 3],
  [{ term: 'Back pain', bodySystem: 'Musculoskeletal and connective tissue disorders' }, 5],
  [{ term: 'Arthralgia', bodySystem: 'Musculoskeletal and connective tissue disorders' }, 4],
  [{ term: 'Rash', bodySystem: 'Skin and subcutaneous tissue disorders' }, 3],
  [{ term: 'Pruritus', bodySystem: 'Skin and subcutaneous tissue disorders' }, 2],
  [{ term: 'Insomnia', bodySystem: 'Psychiatric disorders' }, 3],
  [{ term: 'Palpitations', bodySystem: 'Cardiac disorders' }, 2],
  [{ term: 'Hyperkalaemia', bodySystem: 'Metabolism and nutrition disorders' }, 2],
  [{ term: 'Alanine aminotransferase increased', bodySystem: 'Investigations' }, 2],
];

/** Events more often serious. */
export const SERIOUS_TERMS: ReadonlyArray<readonly [{ term: string; bodySystem: string }, number]> = [
  [{ term: 'Pneumonia', bodySystem: 'Infections and infestations' }, 4],
  [{ term: 'Atrial fibrillation', bodySystem: 'Cardiac disorders' }, 3],
  [{ term: 'Myocardial infarction', bodySystem: 'Cardiac disorders' }, 2],
  [{ term: 'Syncope', bodySystem: 'Nervous system disorders' }, 3],
  [{ term: 'Hypotension', bodySystem: 'Vascular disorders' }, 2],
  [{ term: 'Acute kidney injury', bodySystem: 'Renal and urinary disorders' }, 2],
  [{ term: 'Fall', bodySystem: 'Injury, poisoning and procedural complications' }, 2],
];

/** Grades given seriousness: a serious event is mostly severe or worse, grade 5 only among serious events. */
const GRADES_NOT_SERIOUS: ReadonlyArray<readonly [number, number]> = [
  [1, 0.62],
  [2, 0.3],
  [3, 0.08],
];
const GRADES_SERIOUS: ReadonlyArray<readonly [number, number]> = [
  [2, 0.1],
  [3, 0.5],
  [4, 0.3],
  [5, 0.1],
];

/** Causality: the active treatment's events are more often related than placebo's. */
const RELATIONSHIP_SHARES: Record<'active' | 'other', ReadonlyArray<readonly [string, number]>> = {
  active: [
    ['not_related', 0.35],
    ['unlikely_related', 0.2],
    ['possibly_related', 0.25],
    ['probably_related', 0.12],
    ['related', 0.08],
  ],
  other: [
    ['not_related', 0.5],
    ['unlikely_related', 0.25],
    ['possibly_related', 0.15],
    ['probably_related', 0.07],
    ['related', 0.03],
  ],
};

const NON_FATAL_OUTCOMES: ReadonlyArray<readonly [string, number]> = [
  ['recovered', 0.72],
  ['recovering', 0.1],
  ['not_recovered', 0.08],
  ['recovered_with_sequelae', 0.05],
  ['unknown', 0.05],
];

const MEAN_DURATION_DAYS = 7;

export interface AdverseEventSettings {
  /** Mean events per subject for the subject's arm. */
  rate: number;
  serious_rate: number;
}

/** A subject's participation: events start on or after Day 1 and nothing is dated after the last visit. */
export interface Participation {
  subjectId: string;
  arm: string;
  dayOne: string;
  lastVisitDate: string;
}

export function adverseEventsFor(participation: Participation, settings: AdverseEventSettings, random: RandomStream): GeneratedAdverseEvent[] {
  const count = poisson(random, settings.rate);
  const events: GeneratedAdverseEvent[] = [];
  let fatalSeen = false;
  for (let index = 0; index < count; index += 1) {
    const event = oneEvent(participation, settings, random, fatalSeen);
    fatalSeen ||= event.outcome === 'fatal';
    events.push(event);
  }
  return events;
}

function oneEvent(participation: Participation, settings: AdverseEventSettings, random: RandomStream, fatalSeen: boolean): GeneratedAdverseEvent {
  const serious = random.uniform() < settings.serious_rate;
  const { term, bodySystem } = weightedChoice(random, serious ? SERIOUS_TERMS : COMMON_TERMS);
  // One death per subject at most, and on the last visit's date (nothing after it).
  let grade = weightedChoice(random, serious ? GRADES_SERIOUS : GRADES_NOT_SERIOUS);
  if (grade === FATAL_GRADE && fatalSeen) grade = FATAL_GRADE - 1;
  const relationship = weightedChoice(random, RELATIONSHIP_SHARES[participation.arm === ACTIVE_ARM ? 'active' : 'other']);
  const span = epochDay(participation.lastVisitDate) - epochDay(participation.dayOne);
  const onsetOffset = random.integer(0, Math.max(0, span));
  const duration = Math.floor(-Math.log(1 - random.uniform()) * MEAN_DURATION_DAYS);
  const nonFatalOutcome = weightedChoice(random, NON_FATAL_OUTCOMES);
  const action = actionTaken(grade, relationship, random);

  if (grade === FATAL_GRADE) {
    return {
      SubjectID: participation.subjectId,
      term,
      body_system: bodySystem,
      onset_date: participation.lastVisitDate,
      end_date: participation.lastVisitDate,
      severity_grade: grade,
      serious: true,
      relationship,
      outcome: 'fatal',
      action_taken: 'not_applicable',
    };
  }
  const onset = addDays(participation.dayOne, onsetOffset);
  const endOffset = onsetOffset + duration;
  const ended = (nonFatalOutcome === 'recovered' || nonFatalOutcome === 'recovered_with_sequelae') && endOffset <= span;
  return {
    SubjectID: participation.subjectId,
    term,
    body_system: bodySystem,
    onset_date: onset,
    end_date: ended ? addDays(participation.dayOne, endOffset) : null,
    severity_grade: grade,
    serious,
    relationship,
    // An event not over by the last visit is still ongoing there.
    outcome: ended || (nonFatalOutcome !== 'recovered' && nonFatalOutcome !== 'recovered_with_sequelae') ? nonFatalOutcome : 'recovering',
    action_taken: action,
  };
}

/** Mostly nothing; a related, severe event more often interrupts or stops the treatment. */
function actionTaken(grade: number, relationship: string, random: RandomStream): string {
  const related = relationship === 'possibly_related' || relationship === 'probably_related' || relationship === 'related';
  const u = random.uniform();
  if (grade >= 3 && related) return u < 0.3 ? 'drug_withdrawn' : u < 0.7 ? 'drug_interrupted' : u < 0.85 ? 'dose_reduced' : 'none';
  if (related) return u < 0.1 ? 'drug_interrupted' : u < 0.2 ? 'dose_reduced' : 'none';
  return u < 0.03 ? 'drug_interrupted' : u < 0.05 ? 'unknown' : 'none';
}
