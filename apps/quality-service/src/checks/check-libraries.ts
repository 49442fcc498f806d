import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RuleLibraries } from '../rules/rule-libraries.js';
import type { RuleLibrary } from '../../../../libs/edit-checks/src/index.js';

/**
 * The rule library a check uses, read in the caller's transaction (a run records the version it
 * ran): the study's current library, or for a batch naming a study the EDC does not have (yet),
 * the defaults (version 0).
 */
@Injectable()
export class CheckLibraries {
  constructor(private readonly libraries: RuleLibraries) {}

  async current(db: EntityManager, protocolId: string): Promise<RuleLibrary> {
    try {
      return await this.libraries.currentIn(db, protocolId);
    } catch (error) {
      if (error instanceof NotFoundException) return this.libraries.defaults(protocolId);
      throw error;
    }
  }
}
