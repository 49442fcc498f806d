import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Query, Res, type StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { FhirExportBody, FhirExportQuery, SdtmExportBody } from './dto/export-bodies.dto.js';
import { MAX_CONCURRENT_EXPORTS } from './export-snapshot.js';
import { type ExportHeaders, ExportsService } from './exports.service.js';

/** Where the FHIR export is served (the gateway's prefix included): its `next` links point here. */
export const FHIR_EXPORT_PATH = '/analytics/fhir/export';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MARKED =
  'X-Synthetic-Data says whether the scope holds synthetic (generated) subjects; X-Scope-Note, for a site-limited user, which sites it covers; X-Total-Count the rows (SDTM) or subjects (FHIR) in scope';
const NOT_FOUND = 'No such study, or the site is not one of the study\'s (or not one of yours)';
const BUSY =
  `Already ${MAX_CONCURRENT_EXPORTS} exports streaming in this service (each holds a database connection while its client reads), ` +
  'or the database is unavailable or not answering; Retry-After says when to try again';
const INVALID = 'A field is unknown, missing or out of range (domain, format, limit, offset, study, site, dataset_id)';

@ApiFeature('analytics')
@Roles(ACCESS.exportStandardData)
@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('sdtm/export')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'exportSdtm',
    summary:
      'A CDISC SDTM domain (VS, DM or AE) of a study, a site or a stored dataset, as CSV or Dataset-JSON v1.1, streamed from one consistent snapshot ' +
      '(limit/offset page the rows; default every row). Audited before any row is sent',
  })
  @ApiOkResponse({
    description: `The file (Content-Disposition: attachment). ${MARKED}`,
    content: {
      'text/csv': { schema: { type: 'string', example: 'STUDYID,DOMAIN,USUBJID,VSSEQ,VSTESTCD,VSTEST,VSORRES,VSORRESU,VSSTRESC,VSSTRESN,VSSTRESU,VSBLFL,VISITNUM,VISIT,VISITDY,VSDTC,VSDY\n' } },
      'application/json': { schema: { type: 'object', description: 'CDISC Dataset-JSON v1.1' } },
    },
  })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, BUSY, { retryAfter: true })
  async sdtm(
    @Body() body: SdtmExportBody,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { file, headers } = await this.exports.sdtm(body, user, actor);
    setHeaders(response, headers);
    return file;
  }

  @Post('fhir/export')
  @HttpCode(HttpStatus.OK)
  @Header('content-type', FHIR_JSON)
  @ApiOperation({
    operationId: 'exportFhir',
    summary:
      'An HL7 FHIR R4 collection Bundle of one page of subjects (limit default 100, at most 1000): Patients and their vital-signs Observations ' +
      '(LOINC, UCUM) per the vital-signs profiles; a `next` link while subjects remain. Audited before it is sent',
  })
  @ApiOkResponse({ description: `A FHIR Bundle (application/fhir+json). ${MARKED}`, content: { 'application/fhir+json': { schema: { type: 'object' } } } })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, BUSY, { retryAfter: true })
  fhir(
    @Body() body: FhirExportBody,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    return this.answerFhir(body, user, actor, response);
  }

  @Get('fhir/export')
  @Header('content-type', FHIR_JSON)
  @ApiOperation({ operationId: 'exportFhirPage', summary: 'The same Bundle from a query string: what a `next` link points at' })
  @ApiOkResponse({ description: `A FHIR Bundle (application/fhir+json). ${MARKED}`, content: { 'application/fhir+json': { schema: { type: 'object' } } } })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, BUSY, { retryAfter: true })
  fhirPage(
    @Query() query: FhirExportQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    return this.answerFhir(query, user, actor, response);
  }

  private async answerFhir(body: FhirExportBody, user: AuthenticatedUser, actor: AuditActor, response: Response): Promise<Record<string, unknown>> {
    const { bundle, headers } = await this.exports.fhir(body, user, actor, FHIR_EXPORT_PATH);
    setHeaders(response, headers);
    return bundle;
  }
}

function setHeaders(response: Response, headers: ExportHeaders): void {
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) response.setHeader(name, value);
}
