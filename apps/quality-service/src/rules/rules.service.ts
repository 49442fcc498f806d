import { BadRequestException, ForbiddenException, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { PageQuery } from '../../../../libs/platform/src/index.js';
import type { ImportRulesDto } from './dto/import-rules.dto.js';
import type { RuleChangeResponse, RuleLibraryResponse, RuleResponse, RulesChangeResponse, RuleVersionPage, RuleVersionResponse } from './dto/rule-library.response.js';
import { ruleLibrarySha256 } from './library-digest.js';
import { canonicalRule, parseRule } from './parse-rule.js';
import { RULE_ID_PATTERN, type Rule } from '../../../../libs/edit-checks/src/index.js';
import { changeSummary, importedLibrary, ruleAuditEvents, ruleChanges, withoutRule, withRule, type RuleChange } from './rule-changes.js';
import { RuleDefinitionError } from './rule-definition-error.js';
import { formatRuleDocument, MAX_RULES, parseRuleDocument, type RuleDocumentFormat } from './rule-document.js';
import { noSuchStudy, RuleLibraries, type StoredRuleLibrary } from './rule-libraries.js';
import { describeType, shorten } from './rule-reader.js';
import { RulesRepository } from './rules.repository.js';

export const SITE_LIMITED_WRITER =
  "Rules apply to every site of the study: only a user who sees all sites may change them (your account is limited to some sites)";

/** A stored library's largest size as JSON (1 MiB); the largest document import takes is 256 KiB. */
const MAX_LIBRARY_BYTES = 1024 * 1024;

interface WriteResult {
  library: StoredRuleLibrary;
  previousVersion: number;
  changes: RuleChange[];
}

/** Reading a study's rule library, and writing it as new versions, each change audited with its old and new definition. */
@Injectable()
export class RulesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RulesRepository,
    private readonly libraries: RuleLibraries,
    private readonly audit: AuditService,
  ) {}

  async library(study: string | undefined): Promise<RuleLibraryResponse> {
    const library = await this.read(study);
    return {
      study: study ?? null,
      version: library.version,
      changed_by: library.changedBy,
      changed_at: library.changedAt?.toISOString() ?? null,
      sha256: ruleLibrarySha256(library.rules),
      rules: library.rules,
    };
  }

  /** One version whole; version 0 is the default library (the same for every study). */
  async libraryVersion(study: string, version: number): Promise<RuleVersionResponse> {
    if (!(await this.repository.studyExists(study))) throw noSuchStudy(study);
    if (version === 0) {
      const { rules } = this.libraries.defaults(study);
      return { study, version, defaults: true, rule_count: rules.length, change_summary: null, changed_by: null, changed_at: null, sha256: ruleLibrarySha256(rules), rules };
    }
    const row = await this.repository.version(study, version);
    if (!row) throw new NotFoundException(`Study ${study} has no version ${version} of its rule library (GET /quality/checks/rules/versions?study=${study} lists them)`);
    const rules = row.rules.map(canonicalRule);
    return {
      study,
      version,
      defaults: false,
      rule_count: rules.length,
      change_summary: row.change_summary,
      changed_by: row.changed_by_username,
      changed_at: row.created_at.toISOString(),
      sha256: ruleLibrarySha256(rules),
      rules,
    };
  }

  async rule(study: string | undefined, ruleId: string): Promise<RuleResponse> {
    const library = await this.read(study);
    const rule = library.rules.find((candidate) => candidate.id === ruleId);
    if (!rule) throw noSuchRule(ruleId, study);
    return { study: study ?? null, version: library.version, rule };
  }

  async versions(study: string, page: PageQuery): Promise<RuleVersionPage> {
    if (!(await this.repository.studyExists(study))) throw noSuchStudy(study);
    const { rows, total } = await this.repository.versions(study, page.limit, page.offset);
    return {
      data: rows.map((row) => ({
        version: row.version,
        rule_count: Number(row.rule_count),
        change_summary: row.change_summary,
        changed_by: row.changed_by_username,
        changed_at: row.created_at.toISOString(),
      })),
      page: { limit: page.limit, offset: page.offset, total },
    };
  }

  async export(study: string | undefined, format: RuleDocumentFormat): Promise<StreamableFile> {
    const library = await this.read(study);
    const name = study ?? 'default';
    const heading = `Rule library of ${study ? `study ${study}` : 'the defaults'}, version ${library.version}.\nImport: POST /quality/checks/rules/import?study=<protocol id>`;
    const text = formatRuleDocument(library.rules, format, heading);
    return new StreamableFile(Buffer.from(text, 'utf8'), {
      type: format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8',
      disposition: `attachment; filename="rules-${name}-v${library.version}.${format}"`,
    });
  }

  /** Creates or replaces one rule; the body's id, if any, must be the path's. */
  async put(study: string, ruleId: string, body: unknown, reason: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<RuleChangeResponse> {
    this.mayWrite(user);
    const rule = parseRule(withPathId(body, ruleId));
    await this.refuseUncompilablePatterns([rule]);
    const result = await this.write(study, actor, { how: `PUT ${ruleId}`, reason }, (rules) => withRule(rules, rule));
    const stored = result.library.rules.find((candidate) => candidate.id === ruleId)!;
    return { ...changeResponse(study, result), rule: stored };
  }

  async remove(study: string, ruleId: string, reason: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<RulesChangeResponse> {
    this.mayWrite(user);
    const result = await this.write(study, actor, { how: `DELETE ${ruleId}`, reason }, (rules) => {
      if (!rules.some((rule) => rule.id === ruleId)) throw noSuchRule(ruleId, study);
      return withoutRule(rules, ruleId);
    });
    return changeResponse(study, result);
  }

  /** All or nothing: every rule of the document is checked before anything is written. */
  async import(study: string, body: ImportRulesDto, user: AuthenticatedUser, actor: AuditActor): Promise<RulesChangeResponse> {
    this.mayWrite(user);
    const imported = parseRuleDocument(body.document, body.format);
    await this.refuseUncompilablePatterns(imported, 'The rule document');
    const result = await this.write(study, actor, { how: `import (${body.mode})`, reason: body.reason }, (rules) => importedLibrary(rules, imported, body.mode));
    return changeResponse(study, result);
  }

  private read(study: string | undefined): Promise<StoredRuleLibrary> {
    return study === undefined ? Promise.resolve(this.libraries.defaults()) : this.libraries.current(study);
  }

  private mayWrite(user: AuthenticatedUser): void {
    if (isSiteLimited(user)) throw new ForbiddenException(SITE_LIMITED_WRITER);
  }

  /**
   * One transaction: waits for other writers of the study, reads its latest library, applies the
   * change, and when anything differs writes version + 1 and one audit event per changed rule.
   */
  private write(study: string, actor: AuditActor, why: { how: string; reason?: string }, change: (rules: Rule[]) => Rule[]): Promise<WriteResult> {
    return this.dataSource.transaction(async (db) => {
      await this.repository.lockStudy(db, study);
      const current = await this.libraries.currentIn(db, study);
      const rules = change(current.rules);
      const changes = ruleChanges(current.rules, rules);
      if (changes.length === 0) return { library: current, previousVersion: current.version, changes };
      if (rules.length > MAX_RULES) {
        throw new RuleDefinitionError([{ field: 'rules', problems: [`would have ${rules.length} rules; a library may have at most ${MAX_RULES}`] }], 'The rule library');
      }
      // Every version stores the whole library: keep each one small, whatever a series of PUTs adds up to.
      const bytes = Buffer.byteLength(JSON.stringify(rules), 'utf8');
      if (bytes > MAX_LIBRARY_BYTES) {
        throw new RuleDefinitionError([{ field: 'rules', problems: [`would take ${bytes} bytes; a library may take at most ${MAX_LIBRARY_BYTES} (shorten lists of values or messages)`] }], 'The rule library');
      }
      const version = current.version + 1;
      const row = await this.repository.insert(db, { protocolId: study, version, rules, summary: changeSummary(why.how, changes, why.reason), actor });
      await this.audit.record(db, actor, ruleAuditEvents(study, changes, { old: current.version, new: version }, why.reason));
      const library = { protocolId: study, version, rules, changedBy: row.changed_by_username, changedAt: row.created_at };
      return { library, previousVersion: current.version, changes };
    });
  }

  private async refuseUncompilablePatterns(rules: Rule[], subject = 'The rule'): Promise<void> {
    const patterns = rules.flatMap((rule, index) => (rule.type === 'pattern' && rule.regex !== undefined ? [{ index, regex: rule.regex }] : []));
    const failures = await this.repository.uncompilablePatterns([...new Set(patterns.map((pattern) => pattern.regex))]);
    if (failures.length === 0) return;
    const reasons = new Map(failures.map((failure) => [failure.pattern, failure.reason]));
    const details = patterns
      .filter((pattern) => reasons.has(pattern.regex))
      .map((pattern) => ({
        field: subject === 'The rule' ? 'regex' : `rules[${pattern.index}].regex`,
        problems: [`is not a regular expression PostgreSQL accepts: ${reasons.get(pattern.regex)}`],
      }));
    throw new RuleDefinitionError(details, subject);
  }
}

/** The body with the path's id; a body naming another id is refused (it would write the wrong rule). */
function withPathId(body: unknown, ruleId: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const given = (body as Record<string, unknown>).id;
  if (Object.hasOwn(body, 'id') && given !== ruleId) {
    throw new BadRequestException({
      // describeType, not JSON.stringify: a body's id may be any value, nested however deep.
      message: `The rule's id (${typeof given === 'string' ? shorten(given) : describeType(given)}) differs from the id in the path (${ruleId}); leave id out or make them equal`,
      details: [{ field: 'id', problems: [`must be ${ruleId}, the id in the path, or left out`] }],
    });
  }
  return { ...(body as Record<string, unknown>), id: ruleId };
}

export function validRuleId(ruleId: string): string {
  if (!RULE_ID_PATTERN.test(ruleId)) {
    throw new BadRequestException(`ruleId must be an upper-case letter, then 1 to 31 upper-case letters, digits, - or _ (e.g. VS013); not ${JSON.stringify(ruleId.slice(0, 40))}`);
  }
  return ruleId;
}

function noSuchRule(ruleId: string, study: string | undefined): NotFoundException {
  return new NotFoundException(study ? `No rule ${ruleId} in the rule library of study ${study}` : `No rule ${ruleId} in the default rule library`);
}

function changeResponse(study: string, result: WriteResult): RulesChangeResponse {
  const ids = (action: RuleChange['action']) => result.changes.filter((change) => change.action === action).map((change) => change.ruleId);
  return {
    study,
    version: result.library.version,
    previous_version: result.previousVersion,
    changed: result.changes.length > 0,
    added: ids('create'),
    updated: ids('update'),
    removed: ids('delete'),
  };
}
