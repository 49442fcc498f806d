import { BadRequestException, Controller, HttpCode, HttpStatus, Param, PayloadTooLargeException, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, type AuditActor } from '../../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../../libs/auth/src/index.js';
import { acceptStreamedBody, ApiError, ApiFeature, deadlineSignal, RouteDeadline } from '../../../../../libs/platform/src/index.js';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { VitalsImportQuery } from '../dto/vitals-import.query.js';
import { VitalsImportResponse } from '../dto/vitals-import.response.js';
import { ImportSlots, MAX_IMPORTS, MAX_IMPORTS_PER_USER } from './import-slots.js';
import { IMPORT_DEADLINE_MS, IMPORT_MAX_BYTES, VitalsImportService } from './vitals-import.service.js';

// The file reaches the handler unread, to be parsed as it arrives (with or without the /edc prefix).
acceptStreamedBody('POST', /^(\/edc)?\/studies\/[^/]+\/vitals\/import$/, ['text/csv']);

const EXAMPLE_FILE = [
  'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,RespiratoryRate,SiteID,VisitDate,MeasurementTime',
  'RA001-101,Screening,Active,125,80,72,36.8,16,S01,2026-03-01,2026-03-01T09:30:00Z',
  'RA001-102,Screening,Placebo,131,84,68,36.6,,S01,2026-03-01,',
].join('\n');

@ApiFeature('vitals')
@Controller()
export class VitalsImportController {
  constructor(
    private readonly imports: VitalsImportService,
    private readonly slots: ImportSlots,
  ) {}

  @Post('studies/:protocolId/vitals/import')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.CREATED)
  @RouteDeadline(IMPORT_DEADLINE_MS, { abortsWork: true })
  @ApiOperation({
    operationId: 'importVitalsCsv',
    summary: "Import a CSV of vital-sign records (the capture table's columns), streamed; all lines or none unless valid_only=true",
  })
  @ApiParam({ name: 'protocolId', example: 'DEFAULT' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: EXAMPLE_FILE }, description: `a header line, then one line per record; at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB` })
  @ApiCreatedResponse({ type: VitalsImportResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'Unknown or missing columns, malformed CSV, or refused lines (each named with its line number; nothing stored)')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study')
  @ApiError(HttpStatus.CONFLICT, 'The study is closed, or a line writes to locked data (nothing stored)')
  @ApiError(HttpStatus.PAYLOAD_TOO_LARGE, `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`)
  @ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'The body is not sent as text/csv, or names a charset other than utf-8')
  @ApiError(
    HttpStatus.SERVICE_UNAVAILABLE,
    `Imports are busy (at most ${MAX_IMPORTS} at once, ${MAX_IMPORTS_PER_USER} per user), the database is unavailable, or the import took longer than its own deadline (${IMPORT_DEADLINE_MS / 60_000} minutes); nothing was stored`,
    { retryAfter: true },
  )
  async import(
    @Param('protocolId') protocolId: string,
    @Query() query: VitalsImportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<VitalsImportResponse> {
    if (!CLINICAL_CODE.test(protocolId)) throw new BadRequestException(`protocolId ${CLINICAL_CODE_HINT}`);
    if (!request.is('text/csv')) throw new UnsupportedMediaTypeException('Send the file with the header Content-Type: text/csv');
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new UnsupportedMediaTypeException(`The file must be UTF-8 (charset=${charset} was sent): save it as UTF-8 and send it with Content-Type: text/csv; charset=utf-8`);
    }
    let release: (() => void) | undefined;
    try {
      if (Number(request.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) {
        throw new PayloadTooLargeException(`The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB; split it into several imports`);
      }
      release = this.slots.take(user.id);
      return await this.imports.import({ protocolId, body: request, validOnly: query.valid_only === 'true', user, actor, deadline: deadlineSignal(request) });
    } catch (error) {
      // The rest of a file this large, or of one refused unread, is not read: the connection closes after the answer.
      if (error instanceof PayloadTooLargeException || release === undefined) response.setHeader('Connection', 'close');
      throw error;
    } finally {
      release?.();
    }
  }
}

/** The charset parameter of a Content-Type header, if it names one. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1];
}
