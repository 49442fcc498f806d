import { Module } from '@nestjs/common';

/** CDISC SDTM and HL7 FHIR exports, streamed and audited. */
@Module({})
export class ExportsModule {}
