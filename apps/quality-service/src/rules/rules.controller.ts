import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, type StreamableFile } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { ImportRulesDto } from './dto/import-rules.dto.js';
import { RuleChangeResponse, RuleLibraryResponse, RuleResponse, RulesChangeResponse, RuleVersionPage, RuleVersionResponse } from './dto/rule-library.response.js';
import { RULE_SCHEMA } from './dto/rule.schema.js';
import { ExportRulesQuery, OptionalStudyQuery, RuleVersionParams, RuleVersionsQuery, RuleWriteQuery, StudyQuery } from './dto/rules.query.js';
import { RulesService, SITE_LIMITED_WRITER, validRuleId } from './rules.service.js';

const RULE_ID = { name: 'ruleId', example: 'VS001', description: "the rule's id" } as const;
const NO_STUDY = 'No study with that protocol id (the answer names it)';
const BAD_STUDY = 'study is missing or not a protocol id, or a parameter is unknown';
const WRITERS_SEE_ALL_SITES = `${SITE_LIMITED_WRITER}; or the role may not change rules`;

// Literal paths (versions, export, import) come before :ruleId, which would otherwise take them.
@ApiFeature('quality')
@Controller('checks/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({ operationId: 'getRuleLibrary', summary: "A study's rule library (its latest version; the defaults, version 0, while never edited), or without study the default library" })
  @ApiOkResponse({ type: RuleLibraryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'study is not a protocol id, or a parameter is unknown')
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  library(@Query() query: OptionalStudyQuery): Promise<RuleLibraryResponse> {
    return this.rules.library(query.study);
  }

  @Get('versions')
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({ operationId: 'listRuleVersions', summary: "The versions of a study's rule library, newest first: what each changed, who made it and when" })
  @ApiOkResponse({ type: RuleVersionPage })
  @ApiError(HttpStatus.BAD_REQUEST, `${BAD_STUDY}, or limit/offset out of range`)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  versions(@Query() query: RuleVersionsQuery): Promise<RuleVersionPage> {
    return this.rules.versions(query.study, query);
  }

  @Get('versions/:version')
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({
    operationId: 'getRuleVersion',
    summary:
      "One version of a study's rule library, whole: its rules, who made it, when and what it changed, and its sha256 (what a run's rules_version names). " +
      'Version 0 is the default library as this release defines it (defaults: true)',
  })
  @ApiParam({ name: 'version', type: 'integer', example: 3, description: 'the version (0: the defaults)' })
  @ApiOkResponse({ type: RuleVersionResponse })
  @ApiError(HttpStatus.BAD_REQUEST, `${BAD_STUDY}, or version is not a whole number from 0 up`)
  @ApiError(HttpStatus.NOT_FOUND, 'No study with that protocol id, or the study has no such version')
  version(@Param() params: RuleVersionParams, @Query() query: StudyQuery): Promise<RuleVersionResponse> {
    return this.rules.libraryVersion(query.study, params.version);
  }

  @Get('export')
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({ operationId: 'exportRules', summary: "A study's rule library (or the defaults) as a YAML or JSON document that import takes back unchanged" })
  @ApiOkResponse({
    description: 'the document (Content-Disposition: attachment, with a file name)',
    content: {
      'application/yaml': { schema: { type: 'string', example: 'rules:\n  - id: VS001\n    type: range\n    severity: minor\n    field: SystolicBP\n    min: 95\n    max: 200\n' } },
      'application/json': { schema: { type: 'object', properties: { rules: { type: 'array', items: RULE_SCHEMA } } } },
    },
  })
  @ApiError(HttpStatus.BAD_REQUEST, 'study is not a protocol id, format is not yaml or json, or a parameter is unknown')
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  export(@Query() query: ExportRulesQuery): Promise<StreamableFile> {
    return this.rules.export(query.study, query.format);
  }

  @Post('import')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.manageQualityRules)
  @ApiOperation({
    operationId: 'importRules',
    summary:
      "Import a YAML or JSON rule document into a study's library, all or nothing: replace (the document becomes the library) or merge (its rules replace those with their ids, the others are added). " +
      'A new version, each changed rule audited with its old and new definition; a document that changes nothing writes no version',
  })
  @ApiOkResponse({ type: RulesChangeResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The body or the document is refused: a syntax error (line and column), nesting deeper than 64 levels, a key repeated in one object, a bad rule (details name each problem by position: rules[3].min), duplicate ids, too large, a reason that is blank or over 500 characters; nothing was written')
  @ApiError(HttpStatus.FORBIDDEN, WRITERS_SEE_ALL_SITES)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  import(@Query() query: StudyQuery, @Body() body: ImportRulesDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<RulesChangeResponse> {
    return this.rules.import(query.study, body, user, actor);
  }

  @Get(':ruleId')
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({ operationId: 'getRule', summary: "One rule of a study's library (or of the defaults)" })
  @ApiParam(RULE_ID)
  @ApiOkResponse({ type: RuleResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'ruleId is not a rule id, or study is not a protocol id')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no rule with that id in its library')
  rule(@Param('ruleId') ruleId: string, @Query() query: OptionalStudyQuery): Promise<RuleResponse> {
    return this.rules.rule(query.study, validRuleId(ruleId));
  }

  @Put(':ruleId')
  @Roles(ACCESS.manageQualityRules)
  @ApiOperation({
    operationId: 'putRule',
    summary:
      "Create or replace one rule of a study's library: a new version, the change audited with the old and new definition (and ?reason=, if given). The body is the rule, its id left out or equal to the path's",
  })
  @ApiParam(RULE_ID)
  @ApiBody({ schema: { ...RULE_SCHEMA, required: ['type', 'severity', 'message'] } })
  @ApiOkResponse({ type: RuleChangeResponse })
  @ApiError(HttpStatus.BAD_REQUEST, "The rule is refused (details name each problem: an unknown type or field, min above max, an unsafe regex, ...), its id differs from the path's, or the reason is blank or over 500 characters; nothing was written")
  @ApiError(HttpStatus.FORBIDDEN, WRITERS_SEE_ALL_SITES)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  put(
    @Param('ruleId') ruleId: string,
    @Query() query: RuleWriteQuery,
    // The rule types differ in their fields: parseRule checks the body whole (unknown fields refused), not a DTO.
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<RuleChangeResponse> {
    return this.rules.put(query.study, validRuleId(ruleId), body, query.reason, user, actor);
  }

  @Delete(':ruleId')
  @Roles(ACCESS.manageQualityRules)
  @ApiOperation({ operationId: 'deleteRule', summary: "Remove a rule from a study's library: a new version, audited with the old definition (and ?reason=, if given)" })
  @ApiParam(RULE_ID)
  @ApiOkResponse({ type: RulesChangeResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'ruleId is not a rule id, study is missing or not a protocol id, or the reason is blank or over 500 characters')
  @ApiError(HttpStatus.FORBIDDEN, WRITERS_SEE_ALL_SITES)
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no rule with that id in its library')
  remove(@Param('ruleId') ruleId: string, @Query() query: RuleWriteQuery, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<RulesChangeResponse> {
    return this.rules.remove(query.study, validRuleId(ruleId), query.reason, user, actor);
  }
}
