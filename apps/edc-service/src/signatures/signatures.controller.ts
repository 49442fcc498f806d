import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { READ_UNAVAILABLE, SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { SignCasebookDto } from './dto/sign-casebook.dto.js';
import { SubjectSignatureResponse, SubjectSignaturesResponse } from './dto/signature.response.js';
import { PASSWORD_MISMATCH, SignaturesService } from './signatures.service.js';

const NOT_FOUND = 'No such subject at a site you may see';
const SEVERAL = 'The subject number exists in several protocols at sites you may see: add ?protocolId=';

@ApiFeature('locks and signatures')
@Controller()
export class SignaturesController {
  constructor(private readonly signatures: SignaturesService) {}

  @Post('patients/:subjectId/signatures')
  @Roles(ACCESS.signCasebooks)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'signCasebook', summary: "Sign a subject's casebook (investigator of the subject's site; your password is checked again)" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiCreatedResponse({ type: SubjectSignatureResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'Invalid body: the password is required')
  @ApiError(HttpStatus.FORBIDDEN, `${PASSWORD_MISMATCH} (counted toward the sign-in lock), or signed in without the investigator role`)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, `Your account has no full name to print with the signature (an admin sets it), or: ${SEVERAL}`)
  @ApiError(HttpStatus.TOO_MANY_REQUESTS, 'Too many wrong passwords: signing and sign-in are locked for a while, or until an admin unlocks the account', {
    retryAfter: true,
  })
  sign(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: SignCasebookDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectSignatureResponse> {
    return this.signatures.sign(subjectId, query.protocolId, body, user, actor);
  }

  @Get('patients/:subjectId/signatures')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getSubjectSignatures', summary: "A subject's signatures, each valid or invalidated by the change named" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: SubjectSignaturesResponse })
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, SEVERAL)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  list(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectSignaturesResponse> {
    return this.signatures.list(subjectId, query.protocolId, user, actor);
  }
}
