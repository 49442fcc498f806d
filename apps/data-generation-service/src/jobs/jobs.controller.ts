import { Controller, Delete, Get, HttpStatus, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { DatasetJobs } from '../datasets/dataset-jobs.service.js';
import { JobResponse } from '../datasets/dto/job.response.js';

const NOT_FOUND = 'No job with that id';
const JOB_ID = { name: 'id', format: 'uuid', description: "the job's id (also its dataset's id)" } as const;

@ApiFeature('data generation')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: DatasetJobs) {}

  @Get(':id')
  @Roles(ACCESS.generateData)
  @ApiOperation({ operationId: 'getJob', summary: 'A background job storing a generated dataset: state, percent done, rows written, error' })
  @ApiParam(JOB_ID)
  @ApiOkResponse({ type: JobResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<JobResponse> {
    return this.jobs.view(id, user);
  }

  @Delete(':id')
  @Roles(ACCESS.storeGeneratedData)
  @ApiOperation({
    operationId: 'cancelJob',
    summary:
      'Cancel a job: a queued one never starts; a running one stops within about a second and stores nothing (its transaction is rolled back). ' +
      'Audited (action cancel) in your name',
  })
  @ApiParam(JOB_ID)
  @ApiOkResponse({ type: JobResponse, description: 'the job, now cancelled' })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, 'The job has finished already (stored, failed or cancelled): the answer says which')
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<JobResponse> {
    return this.jobs.cancel(id, user, actor);
  }
}
