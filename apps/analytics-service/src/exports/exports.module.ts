import { Module } from '@nestjs/common';
import { ScopeModule } from '../scope/scope.module.js';
import { ExportSnapshots } from './export-snapshot.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** CDISC SDTM and HL7 FHIR exports, streamed and audited. */
@Module({
  imports: [ScopeModule],
  controllers: [ExportsController],
  providers: [ExportsService, ExportSnapshots],
})
export class ExportsModule {}
