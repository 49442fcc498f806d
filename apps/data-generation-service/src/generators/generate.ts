import { adverseEventsFor } from './adverse-events.js';
import { toCapturedValues } from './capture-rules.js';
import type { GeneratedSubject, GeneratedVital, GenerationMethod, SubjectBlock, TrialDesign, ValueModel, VitalValues } from './dataset.js';
import { completedDesign } from './default-design.js';
import { demographicsFor } from './demographics.js';
import { injectErrors } from './errors.js';
import type { GenerationParameters } from './parameters.js';
import { StreamSource } from './random.js';
import { dayOneOf, type ScheduledVisit, scheduleFor } from './schedule.js';
import { ArmAllocator, otherArms, SiteAssigner, subjectNumberer } from './subject-ids.js';

/** Everything a generation run needs: normalized parameters (see `withDefaults`), the design, and where values come from. */
export interface GenerationPlan {
  method: GenerationMethod;
  parameters: GenerationParameters;
  design: TrialDesign;
  values: ValueModel;
}

/**
 * The dataset subject by subject, in generation order: nothing is kept between subjects but the
 * allocation counts and the stream cursor, so any size streams in bounded memory. Each subject
 * draws from its own streams (see random.ts), so its dates, values, errors and events do not move
 * when a rate for something else changes.
 */
export function* generateBlocks(plan: GenerationPlan): Generator<SubjectBlock> {
  const design = completedDesign(plan.design);
  const parameters = plan.parameters;
  const streams = new StreamSource(parameters.seed);
  const study = streams.study();
  const arms = new ArmAllocator(parameters.arm_counts, study.allocation);
  const sites = new SiteAssigner(parameters.sites, study.sites);
  const visitNames = design.visits.map((visit) => visit.visitName);
  const subjectNumber = subjectNumberer(design.subjectIdFormat);

  for (let index = 0; index < parameters.n_total; index += 1) {
    const random = streams.nextSubject();
    const arm = arms.next();
    const site = sites.next();
    const subjectId = subjectNumber(site, parameters.first_subject_number + index);
    const dayOne = dayOneOf(parameters.reference_date, parameters.enrolment_days, index, parameters.n_total);
    const schedule = scheduleFor(design, parameters, subjectId, dayOne, random.schedule);
    const subject: GeneratedSubject = {
      SubjectID: subjectId,
      SiteID: site,
      TreatmentArm: arm,
      ProtocolID: design.protocolId,
      EnrollmentDate: dayOne,
      ConsentDate: schedule.consentDate,
      Status: schedule.status,
      demographics: demographicsFor(random.demographics),
    };

    let vitals: Pick<SubjectBlock, 'records' | 'unstorable' | 'injected'> = { records: [], unstorable: [], injected: [] };
    if (plan.method !== 'ae') {
      const values = plan.values.valuesFor(arm, visitNames, random.values);
      const clean = schedule.visits.flatMap((visit) => {
        const visitValues = visit.done ? values.get(visit.visitName) : undefined;
        return visitValues ? [vitalRecord(subject, visit, toCapturedValues(visitValues))] : [];
      });
      vitals = injectErrors(clean, arm, otherArms(design, arm), parameters.errors, { choice: random.errorChoice, detail: random.errorDetail });
    }

    const adverseEvents = adverseEventsFor(
      { subjectId, arm, dayOne, lastVisitDate: schedule.lastVisitDate },
      { rate: parameters.ae_rates[arm] ?? 0, serious_rate: parameters.serious_rate },
      random.adverseEvents,
    );
    yield { subject, ...vitals, adverseEvents, omissions: schedule.omissions };
  }
}

/** A record in the field order of `POST /edc/store-vitals` (RespiratoryRate only when there is one). */
function vitalRecord(subject: GeneratedSubject, visit: ScheduledVisit, values: VitalValues): GeneratedVital {
  const record: GeneratedVital = {
    SubjectID: subject.SubjectID,
    VisitName: visit.visitName,
    TreatmentArm: subject.TreatmentArm,
    SystolicBP: values.systolic,
    DiastolicBP: values.diastolic,
    HeartRate: values.heartRate,
    Temperature: values.temperature,
    ...(values.respiratoryRate === undefined ? {} : { RespiratoryRate: values.respiratoryRate }),
    SiteID: subject.SiteID,
    ProtocolID: subject.ProtocolID,
    VisitDate: visit.date,
    MeasurementTime: visit.measurementTime,
  };
  return record;
}
