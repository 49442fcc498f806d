import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AuditActor, type AuditEventInput, AuditService } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited, mayAccessSite } from '../../../../libs/auth/src/index.js';
import type { WriteEffects } from '../clinical-changes/clinical-changes.service.js';
import { StudyDirectory } from '../studies/study-directory.js';
import { placementProblems, StudyRules } from '../studies/study-rules.js';
import { CaptureChecks, findingProblem, hardCheckRefusal } from './edit-checks/capture-checks.js';
import { measurementKey, partitionBatch, type RecordLabel, type RecordProblem, sameMeasurement, subjectKey, type VitalRecord } from './vital-record.js';
import { keyOf, type MeasurementRow, type StoredSubject, VitalsRepository } from './vitals.repository.js';

/** The checks a record can fail on its way in, in the order they run. */
export type ProblemKind =
  /** A site-limited user names no site, or another site. */
  | 'outside-sites'
  /** Records of the request contradict each other. */
  | 'contradiction'
  /** An unknown visit, arm or site of the study. */
  | 'study'
  /** The subject exists at a site the user may not see. */
  | 'subject-outside-sites'
  /** The record gives a stored subject another arm or site. */
  | 'subject-conflict'
  /** The measurement is stored already with other values. */
  | 'changed-values';

/**
 * What a write does with records that fail a check: a request stored whole or not at all throws
 * (`perRecord: false`); an import that reports per line leaves them out and goes on.
 */
export interface ProblemPolicy {
  readonly perRecord: boolean;
  refuse(kind: ProblemKind, problems: RecordProblem[]): void;
}

export interface VitalsWrite {
  /** Already validated records (capture rules), in the caller's numbering. */
  records: VitalRecord[];
  batchId: string;
  user: AuthenticatedUser;
  actor: AuditActor;
  label: RecordLabel;
  policy: ProblemPolicy;
}

export interface WriteOutcome {
  stored: number;
  /** Records accepted but not stored: a retry of a stored measurement, or a repeat within the request. */
  alreadyStored: number;
  patientsCreated: number;
  /** Records left out by a per-record policy (each reported to it). */
  refused: number;
  /** Queries the study's soft edit checks opened on the stored records (origin 'capture'). */
  queriesOpened: number;
}

/**
 * The one write path of vitals capture (store-vitals, one record, a CSV import): the capture
 * and study rules, new subjects, and the measurements, in a constant number of set-based
 * statements for a batch, inside the caller's transaction. Stored measurements are kept (a retry
 * is stored once); one repeated with other values is refused. Audit events are recorded here, per
 * batch, so an import of many batches never holds them all in memory.
 */
@Injectable()
export class VitalsWriter {
  constructor(
    private readonly repository: VitalsRepository,
    private readonly studyRules: StudyRules,
    private readonly directory: StudyDirectory,
    private readonly audit: AuditService,
    private readonly editChecks: CaptureChecks,
  ) {}

  async write(db: EntityManager, effects: WriteEffects, write: VitalsWrite): Promise<WriteOutcome> {
    const { user, label, policy } = write;
    const refused = new Set<number>();
    const refuse = (kind: ProblemKind, records: VitalRecord[], problems: RecordProblem[]): VitalRecord[] => {
      if (problems.length === 0) return records;
      policy.refuse(kind, problems);
      for (const problem of problems) refused.add(problem.index);
      return records.filter((record) => !refused.has(record.index));
    };
    let records = refuse('outside-sites', write.records, outsideUserSites(write.records, user));
    records = refuse('contradiction', records, partitionBatch(records, label).problems);
    if (policy.perRecord) records = refuse('study', records, await this.studyProblems(db, records, label, user));
    const studyEvents = await this.studyRules.admit(
      db,
      records.map((record) => ({ label: label(record.index), protocolId: record.protocolId, siteId: record.siteId, visitName: record.visitName, treatmentArm: record.treatmentArm })),
      { user },
    );
    const batch = partitionBatch(records, label);
    // A problem of a measurement is a problem of each record repeating it within the request too.
    const repeats = groupBy(records, measurementKey);
    const byIndex = new Map(records.map((record) => [record.index, record]));
    const withRepeats = (problems: RecordProblem[]) =>
      problems.flatMap((problem) => (repeats.get(measurementKey(byIndex.get(problem.index) as VitalRecord)) ?? []).map((record) => ({ ...problem, index: record.index })));
    const created = await this.repository.insertMissingSubjects(db, batch.subjects);
    const subjects = new Map((await this.repository.findSubjects(db, batch.subjects)).map((s) => [subjectKey(s), s]));
    const subjectOf = (record: VitalRecord) => subjects.get(subjectKey(record)) as StoredSubject;
    let measurements = refuse('subject-outside-sites', batch.records, withRepeats(batch.records.filter((r) => !mayAccessSite(user, subjectOf(r).siteId)).map(subjectOutsideSites)));
    measurements = refuse('subject-conflict', measurements, withRepeats(measurements.flatMap((record) => subjectConflicts(record, subjectOf(record)))));
    const rows: MeasurementRow[] = measurements.map((record) => ({ patientId: subjectOf(record).id, record }));
    const inserted = await this.repository.insertNewMeasurements(db, rows, write.batchId);
    const rowsByKey = new Map(rows.map((row) => [keyOf(measurementKeyOf(row)), row]));
    const insertedKeys = new Set(inserted.map(keyOf));
    const notInserted = rows.filter((row) => !insertedKeys.has(keyOf(measurementKeyOf(row))));
    if (notInserted.length > 0) refuse('changed-values', measurements, withRepeats(await this.changedValues(db, notInserted)));
    const insertedRows = inserted.map((measurement) => (rowsByKey.get(keyOf(measurement)) as MeasurementRow).record);
    const queriesOpened = await this.applyEditChecks(db, write, inserted, insertedRows);
    await this.audit.record(db, write.actor, [
      ...studyEvents,
      ...created.map(subjectCreatedEvent),
      ...inserted.map((measurement, i) => vitalCreatedEvent(measurement.id, insertedRows[i], write.batchId)),
    ]);
    for (const record of insertedRows) effects.touchSubject(record.subjectNumber, record.protocolId);
    return {
      stored: inserted.length,
      alreadyStored: write.records.length - refused.size - inserted.length,
      patientsCreated: created.length,
      refused: refused.size,
      queriesOpened,
    };
  }

  /**
   * The study's edit checks over the stored vitals of the subjects of the records just inserted
   * (their earlier visits included), judging only this batch's records: a hard finding refuses the
   * whole write, whatever the policy (the transaction rolls back, as a rule may judge a record against
   * the others); soft findings open queries. Two statements, whatever the batch's size.
   */
  private async applyEditChecks(db: EntityManager, write: VitalsWrite, inserted: Array<{ id: string; patientId: string }>, records: VitalRecord[]): Promise<number> {
    if (inserted.length === 0) return 0;
    const libraries = await this.editChecks.libraries(db, records.map((record) => record.protocolId));
    const patientIds = [...new Set(inserted.map((measurement) => measurement.patientId))];
    const checked = await this.editChecks.checkStored(db, libraries, patientIds, { batchId: write.batchId }, write.actor);
    if (checked.hard.length > 0) {
      const recordOf = new Map(inserted.map((measurement, i) => [measurement.id, records[i]]));
      const problems = checked.hard.map((finding) => {
        const record = finding.vital_sign_id === null ? undefined : recordOf.get(finding.vital_sign_id);
        const label = record ? write.label(record.index) : 'record';
        return { field: finding.field ? `${label}.${finding.field}` : label, problems: [findingProblem(finding)] };
      });
      throw hardCheckRefusal(problems, 'the request');
    }
    return checked.queriesOpened;
  }

  /** The study checks `StudyRules.admit` makes, per record, for a policy that leaves failing records out. */
  private async studyProblems(db: EntityManager, records: VitalRecord[], label: RecordLabel, user: AuthenticatedUser): Promise<RecordProblem[]> {
    const studies = await this.directory.find(db, [...new Set(records.map((record) => record.protocolId))]);
    return records.flatMap((record) => {
      const study = studies.get(record.protocolId);
      if (!study) return []; // a study first named here is created open by admit
      const recordLabel = label(record.index);
      return placementProblems(study, { label: recordLabel, ...record }, { user }).flatMap((detail) =>
        detail.problems.map((problem) => ({ index: record.index, field: detail.field.slice(recordLabel.length + 1), problem })),
      );
    });
  }

  /** A repeat with other values is a correction, not a retry: refused rather than dropped silently. */
  private async changedValues(db: EntityManager, rows: MeasurementRow[]): Promise<RecordProblem[]> {
    const stored = new Map((await this.repository.findMeasurements(db, rows.map(measurementKeyOf))).map((m) => [keyOf(m), m]));
    return rows.flatMap((row) => {
      const existing = stored.get(keyOf(measurementKeyOf(row)));
      if (!existing || sameMeasurement(row.record, { ...row.record, ...existing })) return [];
      return [{ index: row.record.index, field: null, problem: CHANGED_VALUES }];
    });
  }
}

export const CHANGED_VALUES =
  'this subject, visit and measurement time is already stored with different values; corrections are not accepted through store-vitals';

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function measurementKeyOf(row: MeasurementRow) {
  return { patientId: row.patientId, visitName: row.record.visitName, measurementTime: row.record.measurementTime };
}

/** A user limited to sites writes only for those sites, and must say which. */
export function outsideUserSites(records: VitalRecord[], user: AuthenticatedUser): RecordProblem[] {
  if (!isSiteLimited(user)) return [];
  return records
    .filter((record) => !mayAccessSite(user, record.siteId))
    .map((record) => ({
      index: record.index,
      field: 'SiteID',
      problem: record.siteId === null ? `is required for users limited to sites (${user.siteIds.join(', ')})` : `is not one of your sites (${user.siteIds.join(', ')})`,
    }));
}

function subjectOutsideSites(record: VitalRecord): RecordProblem {
  return { index: record.index, field: null, problem: `subject ${record.subjectNumber} is not at one of your sites` };
}

/** A subject keeps its arm and site: a record saying otherwise is refused. */
function subjectConflicts(record: VitalRecord, stored: StoredSubject): RecordProblem[] {
  const problems: RecordProblem[] = [];
  if (record.treatmentArm !== null && stored.treatmentArm === null) {
    problems.push({
      index: record.index,
      field: 'TreatmentArm',
      problem: `subject ${record.subjectNumber} is not randomized yet: its arm is assigned by POST /edc/patients/${record.subjectNumber}/randomize; record its vitals with POST /edc/patients/${record.subjectNumber}/vitals`,
    });
  } else if (record.treatmentArm !== null && stored.treatmentArm !== record.treatmentArm) {
    problems.push({ index: record.index, field: 'TreatmentArm', problem: `subject ${record.subjectNumber} is in arm "${stored.treatmentArm}"` });
  }
  if (record.siteId !== null && stored.siteId !== null && stored.siteId !== record.siteId) {
    problems.push({ index: record.index, field: 'SiteID', problem: `subject ${record.subjectNumber} belongs to site "${stored.siteId}"` });
  }
  return problems;
}

function subjectCreatedEvent(subject: StoredSubject): AuditEventInput {
  return {
    action: 'create',
    entityType: 'patient',
    entityId: subject.id,
    subject: subject.subjectNumber,
    changes: {
      protocol_id: { old: null, new: subject.protocolId },
      subject_number: { old: null, new: subject.subjectNumber },
      site_id: { old: null, new: subject.siteId },
      treatment_arm: { old: null, new: subject.treatmentArm },
    },
  };
}

function vitalCreatedEvent(id: string, record: VitalRecord, batchId: string): AuditEventInput {
  const values: Record<string, unknown> = {
    visit_name: record.visitName,
    visit_date: record.visitDate,
    measurement_time: record.measurementTime,
    systolic_bp: record.systolicBp,
    diastolic_bp: record.diastolicBp,
    heart_rate: record.heartRate,
    temperature: record.temperature,
    respiratory_rate: record.respiratoryRate,
    data_batch: batchId,
  };
  return {
    action: 'create',
    entityType: 'vital_sign',
    entityId: id,
    subject: record.subjectNumber,
    changes: Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { old: null, new: value }])),
  };
}
