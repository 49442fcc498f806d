import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../../libs/config/src/index.js';
import { type ApiErrorDetail, flattenValidationErrors } from '../../../../../libs/platform/src/index.js';
import { StudyDirectory } from '../../studies/study-directory.js';
import { placementProblems } from '../../studies/study-rules.js';
import { VitalRecordDto } from '../dto/store-vitals.dto.js';
import type { RecordFinding, RepairVitalsResponse, ValidateVitalsResponse } from '../dto/vitals-checks.dto.js';
import { CaptureChecks } from '../edit-checks/capture-checks.js';
import { partitionBatch, type RecordProblem, recordsLabel, toVitalRecord, type VitalRecord } from '../vital-record.js';
import { outsideUserSites } from '../vitals-writer.js';
import { repairRecords } from './repair.js';

export const SYNTHETIC_ONLY_NOTE =
  'Synthetic data only: values were clipped into plausible ranges and nothing was stored. Never use this on data captured from subjects: correct those with PATCH /edc/vitals/:vitalId and a reason.';

/**
 * The design's helpers for synthetic batches: `validate` runs the capture rules and the study
 * rules without storing; `repair` clips values into plausible ranges. Neither writes anything.
 */
@Injectable()
export class VitalsChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: StudyDirectory,
    private readonly config: PlatformConfig,
    private readonly editChecks: CaptureChecks,
  ) {}

  async validate(records: unknown[], user: AuthenticatedUser): Promise<ValidateVitalsResponse> {
    const problems = new Map<number, ApiErrorDetail[]>();
    const add = (index: number, detail: ApiErrorDetail) => problems.set(index, [...(problems.get(index) ?? []), detail]);
    const passedCaptureRules: VitalRecord[] = [];
    for (const [index, record] of records.entries()) {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        add(index, { field: 'record', problems: ['must be an object with the fields of store-vitals'] });
        continue;
      }
      const instance = plainToInstance(VitalRecordDto, record);
      const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: true } });
      if (errors.length > 0) flattenValidationErrors(errors).forEach((detail) => add(index, detail));
      else passedCaptureRules.push(toVitalRecord(instance, index, this.config.DEFAULT_PROTOCOL_ID));
    }
    const ruleProblems = [...outsideUserSites(passedCaptureRules, user), ...partitionBatch(passedCaptureRules).problems, ...(await this.studyProblems(passedCaptureRules, user))];
    for (const problem of ruleProblems) add(problem.index, { field: problem.field ?? 'record', problems: [problem.problem] });
    const findings = await this.findings(passedCaptureRules);
    const refusedByCheck = (index: number) => (findings.get(index) ?? []).some((finding) => finding.hard);
    const results = records.map((_record, index) => ({
      index,
      valid: !problems.has(index) && !refusedByCheck(index),
      problems: problems.get(index) ?? [],
      findings: findings.get(index) ?? [],
    }));
    const failed = results.filter((result) => !result.valid).length;
    return { total: records.length, passed: records.length - failed, failed, results };
  }

  repair(records: Array<Record<string, unknown>>): RepairVitalsResponse {
    const repaired = repairRecords(records);
    return {
      synthetic_data_only: true,
      note: SYNTHETIC_ONLY_NOTE,
      records_received: records.length,
      records_changed: new Set(repaired.changes.map((change) => change.index)).size,
      records: repaired.records,
      changes: repaired.changes,
    };
  }

  /** The study's edit checks over the batch alone (nothing stored), per record index. */
  private async findings(records: VitalRecord[]): Promise<Map<number, RecordFinding[]>> {
    const db = this.dataSource.manager;
    const found = await this.editChecks.checkBatch(
      db,
      await this.editChecks.libraries(db, records.map((record) => record.protocolId)),
      records.map((record) => ({
        row_index: record.index,
        protocol_id: record.protocolId,
        subject_id: record.subjectNumber,
        site_id: record.siteId,
        arm: record.treatmentArm,
        visit_name: record.visitName,
        visit_date: record.visitDate,
        measurement_time: record.measurementTime,
        systolic_bp: record.systolicBp,
        diastolic_bp: record.diastolicBp,
        heart_rate: record.heartRate,
        temperature: record.temperature,
        respiratory_rate: record.respiratoryRate,
      })),
    );
    const byIndex = new Map<number, RecordFinding[]>();
    for (const { row_index, rule_id, severity, hard, field, value, message } of found) {
      if (row_index === null) continue;
      byIndex.set(row_index, [...(byIndex.get(row_index) ?? []), { rule_id, severity, hard, field, value, message }]);
    }
    return byIndex;
  }

  /** The study rules store-vitals applies; a protocol not set up yet would be created open, so it has none. */
  private async studyProblems(records: VitalRecord[], user: AuthenticatedUser): Promise<RecordProblem[]> {
    if (records.length === 0) return [];
    const studies = await this.directory.find(this.dataSource.manager, [...new Set(records.map((record) => record.protocolId))]);
    return records.flatMap((record) => {
      const study = studies.get(record.protocolId);
      if (!study) return [];
      if (study.status === 'closed') return [{ index: record.index, field: 'ProtocolID', problem: `study ${study.protocolId} is closed; it takes no new data` }];
      const label = recordsLabel(record.index);
      return placementProblems(study, { label, ...record }, { user }).flatMap((detail) =>
        detail.problems.map((problem) => ({ index: record.index, field: detail.field.slice(label.length + 1), problem })),
      );
    });
  }
}
