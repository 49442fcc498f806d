import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_RULES } from '../rules/default-rules.js';
import type { Rule, RuleLibrary } from '../rules/rule.js';

/**
 * The rule library a check uses: a study's newest stored version, else the defaults (version 0).
 * Read in the caller's transaction, so a run records the version it ran.
 */
@Injectable()
export class CheckLibraries {
  async current(db: EntityManager, protocolId: string): Promise<RuleLibrary> {
    const [row] = (await db.query(
      `SELECT version, rules FROM quality_rule_sets WHERE protocol_id = $1 ORDER BY version DESC LIMIT 1`,
      [protocolId],
    )) as Array<{ version: number; rules: Rule[] }>;
    return row ? { protocolId, version: row.version, rules: row.rules } : { protocolId, version: 0, rules: [...DEFAULT_RULES] };
  }
}
