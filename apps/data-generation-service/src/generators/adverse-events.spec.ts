import { adverseEventsFor, AE_ACTIONS_TAKEN, AE_OUTCOMES, AE_RELATIONSHIPS, COMMON_TERMS, SERIOUS_TERMS } from './adverse-events.js';
import { allBlocks, recipeFor } from './generation.test-support.js';
import { StreamSource } from './random.js';
import { mean, seOfMean, seOfProportion, Z } from './stats.test-support.js';

/** The EDC's 27 system organ classes (its adverse-event fields), written out here so a drift in either list fails. */
const EDC_BODY_SYSTEMS = new Set([
  'Blood and lymphatic system disorders',
  'Cardiac disorders',
  'Congenital, familial and genetic disorders',
  'Ear and labyrinth disorders',
  'Endocrine disorders',
  'Eye disorders',
  'Gastrointestinal disorders',
  'General disorders and administration site conditions',
  'Hepatobiliary disorders',
  'Immune system disorders',
  'Infections and infestations',
  'Injury, poisoning and procedural complications',
  'Investigations',
  'Metabolism and nutrition disorders',
  'Musculoskeletal and connective tissue disorders',
  'Neoplasms benign, malignant and unspecified (incl cysts and polyps)',
  'Nervous system disorders',
  'Pregnancy, puerperium and perinatal conditions',
  'Product issues',
  'Psychiatric disorders',
  'Renal and urinary disorders',
  'Reproductive system and breast disorders',
  'Respiratory, thoracic and mediastinal disorders',
  'Skin and subcutaneous tissue disorders',
  'Social circumstances',
  'Surgical and medical procedures',
  'Vascular disorders',
]);

const subjects = 4000;
const blocks = allBlocks(recipeFor({ n_per_arm: subjects / 2, seed: 17, dropout_rate: 0.2, serious_rate: 0.1 }));
const events = blocks.flatMap((block) => block.adverseEvents);

describe('adverse events', () => {
  it('come at the Poisson rate of each arm (Active 0.8, Placebo 0.5 per subject by default)', () => {
    for (const [arm, rate] of [['Active', 0.8], ['Placebo', 0.5]] as const) {
      const counts = blocks.filter((block) => block.subject.TreatmentArm === arm).map((block) => block.adverseEvents.length);
      expect(Math.abs(mean(counts) - rate)).toBeLessThan(Z * seOfMean(Math.sqrt(rate), counts.length));
    }
  });

  it('take only values the EDC accepts, and keep its rules between fields', () => {
    for (const event of events) {
      expect(EDC_BODY_SYSTEMS.has(event.body_system)).toBe(true);
      expect(AE_RELATIONSHIPS).toContain(event.relationship);
      expect(AE_OUTCOMES).toContain(event.outcome);
      expect(AE_ACTIONS_TAKEN).toContain(event.action_taken);
      expect([1, 2, 3, 4, 5]).toContain(event.severity_grade);
      expect(event.term.length).toBeGreaterThan(0);
      expect(event.severity_grade === 5).toBe(event.outcome === 'fatal');
      if (event.outcome === 'fatal') expect(event.serious).toBe(true);
      if (event.end_date !== null) expect(event.end_date >= event.onset_date).toBe(true);
    }
    for (const [entry] of [...COMMON_TERMS, ...SERIOUS_TERMS]) expect(EDC_BODY_SYSTEMS.has(entry.bodySystem)).toBe(true);
  });

  it("fall within the subject's participation: from Day 1 to the last visit that took place", () => {
    for (const block of blocks) {
      const lastVisit = block.records.reduce((latest, record) => (record.VisitDate > latest ? record.VisitDate : latest), block.subject.EnrollmentDate);
      for (const event of block.adverseEvents) {
        expect(event.SubjectID).toBe(block.subject.SubjectID);
        expect(event.onset_date >= block.subject.EnrollmentDate).toBe(true);
        expect(event.onset_date <= lastVisit).toBe(true);
        if (event.end_date !== null) expect(event.end_date <= lastVisit).toBe(true);
      }
    }
  });

  it('are serious at the serious rate, serious ones mostly grade 3 or worse, grade 5 rare', () => {
    const serious = events.filter((event) => event.serious);
    expect(Math.abs(serious.length / events.length - 0.1)).toBeLessThan(Z * seOfProportion(0.1, events.length));
    expect(serious.filter((event) => event.severity_grade >= 3).length / serious.length).toBeGreaterThan(0.75);
    expect(events.filter((event) => !event.serious).filter((event) => event.severity_grade <= 2).length).toBeGreaterThan(0.85 * (events.length - serious.length));
    expect(events.filter((event) => event.severity_grade === 5).length / events.length).toBeLessThan(0.03);
  });

  it('give a subject at most one fatal event', () => {
    const random = new StreamSource(3).nextSubject().adverseEvents;
    const many = adverseEventsFor({ subjectId: 'X-1', arm: 'Active', dayOne: '2025-01-06', lastVisitDate: '2025-04-01' }, { rate: 15, serious_rate: 1 }, random);
    expect(many.filter((event) => event.outcome === 'fatal').length).toBeLessThanOrEqual(1);
  });

  it('come for the ae method with the same subjects and no vitals records', () => {
    const aeOnly = allBlocks(recipeFor({ n_per_arm: 50, seed: 17 }, undefined, 'ae'));
    const rules = allBlocks(recipeFor({ n_per_arm: 50, seed: 17 }));
    expect(aeOnly.every((block) => block.records.length === 0 && block.injected.length === 0)).toBe(true);
    expect(aeOnly.map((block) => block.subject)).toEqual(rules.map((block) => block.subject));
    expect(aeOnly.map((block) => block.adverseEvents)).toEqual(rules.map((block) => block.adverseEvents));
  });
});
