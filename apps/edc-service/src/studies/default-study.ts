import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import { StudyRegistry } from './study-registry.js';

/** The study `DEFAULT_PROTOCOL_ID` names exists from the first start, with the design's visits and arms. */
@Injectable()
export class DefaultStudy implements OnApplicationBootstrap {
  private readonly logger = new Logger('Studies');

  constructor(
    private readonly config: PlatformConfig,
    private readonly registry: StudyRegistry,
    private readonly changes: ClinicalChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const system = { userId: null, username: 'system', role: null, clientAddress: null, requestId: null };
    const created = await this.changes.write(system, async (db, effects) => {
      const events = await this.registry.ensureStudies(db, [this.config.DEFAULT_PROTOCOL_ID]);
      effects.audit(...events.map((event) => ({ ...event, reason: 'the default study, created at first start' })));
      return events.length > 0;
    });
    // Debug: the first start's log stays short, so the one-time password is easy to find.
    if (created) this.logger.debug(`Created the default study ${this.config.DEFAULT_PROTOCOL_ID}`);
  }
}
