import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_RULES, type RuleLibrary } from '../../../../libs/edit-checks/src/index.js';
import { canonicalRule } from './parse-rule.js';
import { RulesRepository } from './rules.repository.js';

/** A library with who made its version and when (null for the defaults, version 0). */
export interface StoredRuleLibrary extends RuleLibrary {
  changedBy: string | null;
  changedAt: Date | null;
}

export const noSuchStudy = (protocolId: string): NotFoundException => new NotFoundException(`No study with protocol id ${protocolId}`);

/**
 * The rule library a study checks its data with: its latest version, or the defaults (version 0)
 * while the study never edited its rules. Exported by RulesModule for the checks.
 */
@Injectable()
export class RuleLibraries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RulesRepository,
  ) {}

  /** The default library, a copy the caller may change. */
  defaults(protocolId = ''): StoredRuleLibrary {
    return { protocolId, version: 0, rules: structuredClone([...DEFAULT_RULES]), changedBy: null, changedAt: null };
  }

  /** The study's current library; 404 when the EDC has no such study. */
  current(protocolId: string): Promise<StoredRuleLibrary> {
    return this.currentIn(this.dataSource.manager, protocolId);
  }

  /** The same, read in the caller's transaction (a run records the version it checked with). */
  async currentIn(db: EntityManager, protocolId: string): Promise<StoredRuleLibrary> {
    if (!(await this.repository.studyExists(protocolId, db))) throw noSuchStudy(protocolId);
    const row = await this.repository.latest(protocolId, db);
    if (!row) return this.defaults(protocolId);
    return {
      protocolId,
      version: row.version,
      rules: row.rules.map(canonicalRule),
      changedBy: row.changed_by_username,
      changedAt: row.created_at,
    };
  }
}
