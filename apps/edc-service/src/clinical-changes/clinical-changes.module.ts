import { Module } from '@nestjs/common';
import { ClinicalChanges } from './clinical-changes.service.js';

/** The EDC's write path (see `ClinicalChanges`): every EDC feature that writes imports it. */
@Module({ providers: [ClinicalChanges], exports: [ClinicalChanges] })
export class ClinicalChangesModule {}
