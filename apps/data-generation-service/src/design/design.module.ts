import { Module } from '@nestjs/common';
import { SourceRowsRepository } from './source-rows.repository.js';
import { StudyDesigns } from './study-designs.js';

/** What generation reads from the EDC: study designs and stored vitals, through the views the EDC publishes. */
@Module({
  providers: [StudyDesigns, SourceRowsRepository],
  exports: [StudyDesigns, SourceRowsRepository],
})
export class DesignModule {}
