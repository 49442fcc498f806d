import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService, type FieldChange } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { ListQueriesQuery, QuerySummaryQuery } from './dto/list-queries.query.js';
import type { AssignQueryDto } from './dto/move.dto.js';
import type { OpenQueryDto } from './dto/open-query.dto.js';
import { type QueryDetailResponse, type QueryPage, toMessageResponse, toQueryResponse } from './dto/query.response.js';
import type { QuerySummaryResponse, SiteCounts, StatusCounts } from './dto/query-summary.response.js';
import { assigneeProblems } from './assignee.js';
import { QueriesRepository, type Assignment, type NewManualQuery, type OpenTwin, type SiteScope } from './queries.repository.js';
import { applyMove, type QueryChange, type QueryMove, QueryMoveRefused, type QueryStatus } from './query-lifecycle.js';
import type { QueryRow } from './query.row.js';

const AUDIT_ENTITY = 'quality_query';
/** The audit action of each move (a data correction is recorded as 'correction'). */
const AUDIT_ACTIONS: Record<QueryMove, string> = {
  answer: 'answer',
  correct: 'correction',
  comment: 'comment',
  assign: 'assign',
  close: 'close',
  reopen: 'reopen',
  cancel: 'cancel',
};
/** Moves whose text says why the status changes: it goes to the audit event's reason too. */
const TEXT_IS_REASON: readonly QueryMove[] = ['correct', 'close', 'reopen', 'cancel'];

/** A move's own part, run on the locked row before the write: the message, and an assignment with its audited changes. */
type PrepareMove = (db: EntityManager, before: QueryRow) => Promise<{ body: string; text?: string; assignment?: Assignment; changes?: Record<string, FieldChange> }>;

const UNRESOLVED: readonly QueryStatus[] = ['open', 'answered'];
const UNIQUE_VIOLATION = '23505';
const ONE_OPEN_INDEX = 'quality_queries_one_open_idx';

/** The database refused a second unresolved query on one data point (a concurrent open or re-open won). */
function isOneOpenViolation(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError] as Array<{ code?: unknown; constraint?: unknown } | undefined>;
  return candidates.some((candidate) => candidate?.code === UNIQUE_VIOLATION && candidate.constraint === ONE_OPEN_INDEX);
}

/** 409 for a query that cannot become unresolved again while `twin`, on the same data point, is. */
function twinConflict(id: string, twin: OpenTwin | null): ConflictException {
  const which = twin === null ? 'was opened or re-opened meanwhile' : twin.visible ? `is ${twin.status}: ${twin.id}` : `is ${twin.status} at a site you may not see`;
  return new ConflictException(
    `Query ${id} cannot be re-opened: an identical query on the same data point ${which}; ` +
      'only one query per data point may be open or answered, so add to that one\'s thread instead; nothing was changed',
  );
}

const scopeOf = (user: AuthenticatedUser): SiteScope => (isSiteLimited(user) ? user.siteIds : null);
const notFound = (id: string) => new NotFoundException(`No query ${id} at sites you may see`);

function badRequest(field: string, problem: string): BadRequestException {
  return refused([{ field, problems: [problem] }]);
}

function refused(details: ApiErrorDetail[]): BadRequestException {
  const summary = details.map(({ field, problems }) => `${field}: ${problems.join('; ')}`).join('; ');
  return new BadRequestException({ message: `Validation failed: ${summary}; nothing was changed`, details });
}

/**
 * Data queries: lists and summaries limited to the user's sites (another site's query answers as
 * a missing one), queries opened by hand, and each move of the lifecycle as one transaction on the
 * locked row: the new status, a thread message and an audit event, all or nothing.
 */
@Injectable()
export class QueriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queries: QueriesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListQueriesQuery, user: AuthenticatedUser): Promise<QueryPage> {
    if (query.min_age_days !== undefined && query.max_age_days !== undefined && query.min_age_days > query.max_age_days) {
      throw badRequest('min_age_days', `is more than max_age_days (${query.max_age_days})`);
    }
    const { rows, total } = await this.queries.list(
      {
        study: query.study,
        site: query.site,
        subject: query.subject,
        statuses: query.status,
        severity: query.severity,
        rule: query.rule,
        assigneeId: query.assignee === undefined ? undefined : query.assignee.toLowerCase() === 'me' ? user.id : query.assignee,
        minAgeDays: query.min_age_days,
        maxAgeDays: query.max_age_days,
      },
      scopeOf(user),
      query.limit,
      query.offset,
    );
    return { data: rows.map(toQueryResponse), page: { limit: query.limit, offset: query.offset, total } };
  }

  async summary(query: QuerySummaryQuery, user: AuthenticatedUser): Promise<QuerySummaryResponse> {
    if (!(await this.queries.studyExists(query.study))) throw new NotFoundException(`No study ${query.study}`);
    const row = await this.queries.summary(query.study, scopeOf(user));
    const totals = emptyCounts();
    const bySite = new Map<string | null, SiteCounts>();
    for (const { site_id, status, n } of row.counts) {
      const site = bySite.get(site_id) ?? { site_id, ...emptyCounts() };
      bySite.set(site_id, site);
      for (const counts of [site, totals]) {
        counts[status] += n;
        counts.total += n;
      }
    }
    const number = (value: number | string | null) => (value === null ? null : Number(value));
    return {
      study: query.study,
      totals,
      by_site: [...bySite.values()],
      ageing: {
        unresolved: {
          ...row.unresolved,
          median_age_days: number(row.unresolved.median_age_days),
          max_age_days: number(row.unresolved.max_age_days),
        },
        closed: { count: row.closed.count, median_days_to_close: number(row.closed.median_days_to_close) },
      },
      as_of: new Date(row.as_of).toISOString(),
    };
  }

  async get(id: string, user: AuthenticatedUser): Promise<QueryDetailResponse> {
    const row = await this.queries.find(id, scopeOf(user));
    if (!row) throw notFound(id);
    return this.detail(row);
  }

  /** Opens a query by hand on a subject's data point; an identical unresolved query answers 409 naming it. */
  async open(dto: OpenQueryDto, user: AuthenticatedUser, actor: AuditActor): Promise<QueryDetailResponse> {
    return this.dataSource.transaction(async (db) => {
      const subject = await this.queries.findSubject(db, dto.study, dto.subject);
      if (!subject || (isSiteLimited(user) && !(subject.site_id !== null && user.siteIds.includes(subject.site_id)))) {
        throw new NotFoundException(`No subject ${dto.subject} in study ${dto.study} at sites you may see`);
      }
      let visitName = dto.visit ?? null;
      if (dto.vital_sign_id !== undefined) {
        const vital = await this.queries.findVital(db, subject.patient_id, dto.vital_sign_id);
        if (!vital) throw new NotFoundException(`No vital sign ${dto.vital_sign_id} of subject ${dto.subject} in study ${dto.study}`);
        if (visitName !== null && visitName !== vital.visit_name) {
          throw badRequest('visit', `is not the visit of vital sign ${dto.vital_sign_id} ("${vital.visit_name}"): leave it out or give that visit`);
        }
        visitName = vital.visit_name;
      }
      const query: NewManualQuery = {
        protocolId: dto.study,
        siteId: subject.site_id,
        subjectId: dto.subject,
        patientId: subject.patient_id,
        vitalSignId: dto.vital_sign_id ?? null,
        visitName,
        field: dto.field ?? null,
        value: dto.value ?? null,
        severity: dto.severity,
        message: dto.message,
      };
      const opened = await this.queries.insertManual(db, query, actor);
      if (!opened) {
        const existing = await this.queries.findIdentical(db, query);
        throw new ConflictException(
          existing
            ? `An identical query on this data point is ${existing.status}: ${existing.id}; add to its thread instead`
            : 'An identical query on this data point was being opened at the same moment; read the subject\'s queries and try again',
        );
      }
      await this.queries.addMessage(db, opened.id, 'opened', dto.message, 'open', actor);
      await this.audit.record(db, actor, [
        {
          action: 'open',
          entityType: AUDIT_ENTITY,
          entityId: opened.id,
          subject: opened.subject_id,
          changes: {
            status: { old: null, new: 'open' },
            study: { old: null, new: opened.protocol_id },
            site_id: { old: null, new: opened.site_id },
            visit_name: { old: null, new: opened.visit_name },
            field: { old: null, new: opened.field },
            value: { old: null, new: opened.value },
            vital_sign_id: { old: null, new: opened.vital_sign_id },
            severity: { old: null, new: opened.severity },
            message: { old: null, new: opened.message },
            origin: { old: null, new: 'manual' },
          },
        },
      ]);
      return this.detail(opened, db);
    });
  }

  /** answer, comment, close, reopen, cancel (and a correction of the data): `text` is the thread message. */
  async move(id: string, move: Exclude<QueryMove, 'assign'>, text: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<QueryDetailResponse> {
    return this.change(id, move, user, actor, async () => ({ body: text ?? '', text }));
  }

  /**
   * Assigns the query to a user (an active answerer of queries who sees its site, read from the
   * security service's user directory) and/or to its own site; null removes that assignment.
   */
  async assign(id: string, dto: AssignQueryDto, user: AuthenticatedUser, actor: AuditActor): Promise<QueryDetailResponse> {
    if (dto.user_id === undefined && dto.site_id === undefined) throw badRequest('user_id', 'give user_id and/or site_id');
    return this.change(id, 'assign', user, actor, async (db, before) => {
      const assignment: Assignment = {};
      const refusals: ApiErrorDetail[] = [];
      if (dto.user_id === null) {
        assignment.userId = null;
        assignment.username = null;
      } else if (dto.user_id !== undefined) {
        const assignee = await this.queries.directoryUser(db, dto.user_id);
        if (!assignee) throw new NotFoundException(`No user ${dto.user_id} in the user directory; nothing was changed`);
        const problems = assigneeProblems(assignee, before.site_id, scopeOf(user));
        if (problems.length > 0) refusals.push({ field: 'user_id', problems });
        assignment.userId = assignee.id;
        assignment.username = assignee.username;
      }
      if (typeof dto.site_id === 'string' && dto.site_id !== before.site_id) {
        refusals.push({
          field: 'site_id',
          problems: [
            before.site_id === null
              ? `"${dto.site_id}" cannot be assigned: the query's subject has no site, and a query is answered by its subject's site`
              : `"${dto.site_id}" is not the query's site: a query is answered by its subject's site, ${before.site_id}`,
          ],
        });
      }
      if (refusals.length > 0) throw refused(refusals);
      if (dto.site_id !== undefined) assignment.siteId = dto.site_id;
      const changes = assignmentChanges(before, assignment);
      if (Object.keys(changes).length === 0) throw badRequest(dto.user_id !== undefined ? 'user_id' : 'site_id', 'changes nothing: the query is already assigned so');
      return { body: describeAssignment(assignment), assignment, changes };
    });
  }

  private async change(
    id: string,
    move: QueryMove,
    user: AuthenticatedUser,
    actor: AuditActor,
    prepare: PrepareMove,
  ): Promise<QueryDetailResponse> {
    try {
      return await this.dataSource.transaction(async (db) => this.changeLocked(db, id, move, user, actor, prepare));
    } catch (error) {
      // An identical query was opened after the check, before this move's UPDATE (see changeLocked).
      if (!isOneOpenViolation(error)) throw error;
      throw twinConflict(id, await this.queries.findOpenTwin(id, scopeOf(user)));
    }
  }

  private async changeLocked(
    db: EntityManager,
    id: string,
    move: QueryMove,
    user: AuthenticatedUser,
    actor: AuditActor,
    prepare: PrepareMove,
  ): Promise<QueryDetailResponse> {
    const before = await this.queries.lock(db, id, scopeOf(user));
    if (!before) throw notFound(id);
    let change: QueryChange;
    try {
      change = applyMove({ status: before.status, reopenedCount: before.reopened_count }, move);
    } catch (error) {
      if (error instanceof QueryMoveRefused) throw new ConflictException(`${error.message}; nothing was changed`);
      throw error;
    }
    // Only one query per data point may be unresolved: a closed one is not re-opened beside a newer one.
    if (!UNRESOLVED.includes(before.status) && UNRESOLVED.includes(change.status)) {
      const twin = await this.queries.findOpenTwin(id, scopeOf(user), db);
      if (twin) throw twinConflict(id, twin);
    }
    const prepared = await prepare(db, before);
    const after = await this.queries.applyChange(db, id, change, prepared.assignment);
    await this.queries.addMessage(db, id, change.kind, prepared.body, change.status, actor);
    const changes: Record<string, FieldChange> = { status: { old: before.status, new: after.status } };
    if (after.reopened_count !== before.reopened_count) changes.reopened_count = { old: before.reopened_count, new: after.reopened_count };
    for (const column of [...change.stamps, ...change.clears]) {
      changes[column] = { old: before[column]?.toISOString() ?? null, new: after[column]?.toISOString() ?? null };
    }
    Object.assign(changes, prepared.changes);
    if (prepared.text !== undefined) changes.text = { old: null, new: prepared.text };
    await this.audit.record(db, actor, [
      {
        action: AUDIT_ACTIONS[move],
        entityType: AUDIT_ENTITY,
        entityId: id,
        subject: before.subject_id,
        changes,
        reason: TEXT_IS_REASON.includes(move) ? (prepared.text ?? null) : null,
      },
    ]);
    return this.detail(after, db);
  }

  private async detail(row: QueryRow, db?: EntityManager): Promise<QueryDetailResponse> {
    const thread = await this.queries.thread(row.id, db);
    return { ...toQueryResponse(row), thread: thread.map(toMessageResponse) };
  }
}

function emptyCounts(): StatusCounts {
  return { open: 0, answered: 0, closed: 0, cancelled: 0, total: 0 };
}

function assignmentChanges(before: QueryRow, assignment: Assignment): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const compare = (field: 'assigned_user_id' | 'assigned_username' | 'assigned_site_id', value: string | null | undefined) => {
    if (value !== undefined && value !== before[field]) changes[field] = { old: before[field], new: value };
  };
  compare('assigned_user_id', assignment.userId);
  compare('assigned_username', assignment.username);
  compare('assigned_site_id', assignment.siteId);
  return changes;
}

function describeAssignment(assignment: Assignment): string {
  const parts: string[] = [];
  if (assignment.userId !== undefined) parts.push(assignment.userId === null ? 'user assignment removed' : `assigned to user ${assignment.username} (${assignment.userId})`);
  if (assignment.siteId !== undefined) parts.push(assignment.siteId === null ? 'site assignment removed' : `assigned to site ${assignment.siteId}`);
  return parts.join('; ');
}
