import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature, deadlineSignal, RouteDeadline } from '../../../../libs/platform/src/index.js';
import { CSR_DEADLINE_MS, CsrService } from './csr.service.js';
import { CsrFormatQuery, CsrListQuery, GenerateCsrDto } from './dto/csr-requests.dto.js';
import { CsrDocument, CsrDocumentPage } from './dto/csr-responses.js';
import { CSR_PAGE_POLICY } from './render/html.js';

const SCOPE_404 = 'No such study, or no such site in it (or, for a site-limited user, a site not theirs)';
const TOO_SLOW_503 = `The report did not finish within its deadline (${CSR_DEADLINE_MS / 1000} s) and was stopped and rolled back, or the database is unavailable; nothing was stored`;

@ApiFeature('analytics')
@Controller('csr')
export class CsrController {
  constructor(private readonly csr: CsrService) {}

  @Post()
  @Roles(ACCESS.writeReports)
  @RouteDeadline(CSR_DEADLINE_MS, { abortsWork: true })
  @ApiOperation({
    operationId: 'generateCsr',
    summary:
      "Generates the clinical study report (ICH E3 sections) of a study, a site or a stored dataset, from one snapshot of the stored data, and stores it as the study's next version " +
      'with the sha256 of that data and the software version; audited. Answers the version, not its content (see the links). ' +
      `Has ${CSR_DEADLINE_MS / 1000} s (not REQUEST_TIMEOUT_MS), past which it is stopped and rolled back`,
  })
  @ApiCreatedResponse({ type: CsrDocument })
  @ApiError(HttpStatus.BAD_REQUEST, 'study or site is not a code, dataset_id not a UUID, the title blank, too long or with control characters, or an unknown field')
  @ApiError(HttpStatus.NOT_FOUND, SCOPE_404)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, TOO_SLOW_503, { retryAfter: true })
  generate(@Body() body: GenerateCsrDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor, @Req() request: Request): Promise<CsrDocument> {
    return this.csr.generate(body, user, actor, deadlineSignal(request));
  }

  @Post('draft')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.writeReports)
  @RouteDeadline(CSR_DEADLINE_MS, { abortsWork: true })
  @Header('content-type', 'text/markdown; charset=utf-8')
  @ApiOperation({
    operationId: 'draftCsr',
    summary: `The report of the current data as a Markdown draft; nothing is stored. Has ${CSR_DEADLINE_MS / 1000} s (not REQUEST_TIMEOUT_MS), past which it is stopped`,
  })
  @ApiOkResponse({ description: 'the Markdown draft', content: { 'text/markdown': { schema: { type: 'string', example: '# Clinical study report: Default study\n\n_Draft of the current data: not stored._\n' } } } })
  @ApiError(HttpStatus.BAD_REQUEST, 'study or site is not a code, dataset_id not a UUID, or the title not valid')
  @ApiError(HttpStatus.NOT_FOUND, SCOPE_404)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'The draft did not finish within its deadline and was stopped, or the database is unavailable', { retryAfter: true })
  draft(@Body() body: GenerateCsrDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor, @Req() request: Request): Promise<string> {
    return this.csr.draft(body, user, actor, deadlineSignal(request));
  }

  @Get()
  @Roles(ACCESS.readStatistics)
  @ApiOperation({
    operationId: 'listCsrVersions',
    summary: "Stored versions of a study's report, newest first (a site-limited user: only reports of none but their sites, never a whole-study report)",
  })
  @ApiOkResponse({ type: CsrDocumentPage })
  @ApiError(HttpStatus.BAD_REQUEST, 'study is not a code, or limit/offset not valid')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study')
  list(@Query() query: CsrListQuery, @CurrentUser() user: AuthenticatedUser): Promise<CsrDocumentPage> {
    return this.csr.list(query, user);
  }

  @Get(':id')
  @Roles(ACCESS.readStatistics)
  @ApiOperation({
    operationId: 'getCsr',
    summary:
      'A stored version: the report as JSON (default), as a self-contained HTML page (inline CSS, SVG charts, no script) or as Markdown, all rendered from the stored JSON. ' +
      'Each read is audited (the report holds subject-level listings)',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: "the version's id" })
  @ApiOkResponse({
    description: 'the report in the format asked for',
    content: {
      'application/json': { schema: { type: 'object', additionalProperties: true, description: 'the stored report: format, synthetic, title_page, synopsis, study_design, study_subjects, efficacy, safety, data_quality, appendices' } },
      'text/html': { schema: { type: 'string', description: 'a self-contained page: inline CSS and SVG charts, no script' } },
      'text/markdown': { schema: { type: 'string' } },
    },
  })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID, or format not json, html or markdown')
  @ApiError(HttpStatus.NOT_FOUND, 'No report with that id (or, for a site-limited user, a report of sites not all theirs)')
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CsrFormatQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const format = query.format ?? 'json';
    const result = await this.csr.get(id, format, user, actor);
    if (format === 'json' || !('contentType' in result)) return result;
    response.setHeader('content-type', result.contentType);
    // Opened in a browser over plain HTTP: the platform's headers leave out what needs a secure origin (security-headers.ts).
    if (format === 'html') response.setHeader('content-security-policy', CSR_PAGE_POLICY);
    return result.body;
  }
}
