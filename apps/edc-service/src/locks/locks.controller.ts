import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { READ_UNAVAILABLE, SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { LockSubjectDto, UnlockSubjectDto } from './dto/lock-subject.dto.js';
import { SubjectLockResponse, SubjectLocksResponse } from './dto/lock.response.js';
import { LocksService } from './locks.service.js';

const NOT_FOUND = 'No such subject at a site you may see';
const SEVERAL = 'The subject number exists in several protocols at sites you may see: add ?protocolId=';

@ApiFeature('locks and signatures')
@Controller()
export class LocksController {
  constructor(private readonly locks: LocksService) {}

  @Post('patients/:subjectId/lock')
  @Roles(ACCESS.lockData)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'lockSubject', summary: "Lock a subject's data, or one visit: writes to it are refused (409) until it is unlocked with a reason" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiCreatedResponse({ type: SubjectLockResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'Invalid body, or a visit that is neither a visit of the study nor one with data of the subject')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, `That data is already locked (the answer names by whom and since when), or: ${SEVERAL}`)
  lock(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: LockSubjectDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectLockResponse> {
    return this.locks.lock(subjectId, query.protocolId, body, user, actor);
  }

  @Post('patients/:subjectId/unlock')
  @Roles(ACCESS.lockData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'unlockSubject', summary: "Lift the lock on a subject's data, or on one visit, with a reason" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: SubjectLockResponse, description: 'the lock, now closed' })
  @ApiError(HttpStatus.BAD_REQUEST, 'Invalid body: the reason is required')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, `${NOT_FOUND}, or that data is not locked (the answer lists the open locks)`)
  @ApiError(HttpStatus.CONFLICT, SEVERAL)
  unlock(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: UnlockSubjectDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectLockResponse> {
    return this.locks.unlock(subjectId, query.protocolId, body, user, actor);
  }

  @Get('patients/:subjectId/locks')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getSubjectLocks', summary: "A subject's open and past locks: who, when, why, which visit" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: SubjectLocksResponse })
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, SEVERAL)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  list(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectLocksResponse> {
    return this.locks.list(subjectId, query.protocolId, user, actor);
  }
}
