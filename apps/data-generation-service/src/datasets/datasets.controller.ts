import { Controller, Get, HttpStatus, Param, ParseUUIDPipe, Query, type StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature, PageQuery } from '../../../../libs/platform/src/index.js';
import { DatasetsService } from './datasets.service.js';
import { DatasetPage, DatasetResponse } from './dto/dataset.response.js';
import { ExportDatasetQuery } from './dto/export-dataset.query.js';

const NOT_FOUND = 'No dataset with that id';
const DATASET_ID = { name: 'id', format: 'uuid', description: "the dataset's id (also its job's id)" } as const;

@ApiFeature('data generation')
@Roles(ACCESS.generateData)
@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Get()
  @ApiOperation({ operationId: 'listDatasets', summary: 'Generated datasets stored (or being stored) in the EDC, newest first' })
  @ApiOkResponse({ type: DatasetPage })
  list(@Query() query: PageQuery, @CurrentUser() user: AuthenticatedUser): Promise<DatasetPage> {
    return this.datasets.list(query, user);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDataset', summary: 'A generated dataset: its parameters, state and progress, counts, manifest and content hash' })
  @ApiParam(DATASET_ID)
  @ApiOkResponse({ type: DatasetResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<DatasetResponse> {
    return this.datasets.get(id, user);
  }

  @Get(':id/export')
  @ApiOperation({
    operationId: 'exportDataset',
    summary:
      'A dataset as a download, made again from its recipe and streamed: CSV (one table) or JSON (the preview\'s shape, with the whole manifest). ' +
      'Holds every generated record, those capture refuses (never stored) included; the same bytes on every call, in any state of the dataset. ' +
      'A stored dataset is exported only by the platform version that made it',
  })
  @ApiParam(DATASET_ID)
  @ApiOkResponse({
    description: 'the file (Content-Disposition: attachment, with a file name)',
    content: {
      'text/csv': { schema: { type: 'string', example: 'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,RespiratoryRate,SiteID,ProtocolID,VisitDate,MeasurementTime\n' } },
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            records: { type: 'array', items: { type: 'object' } },
            adverse_events: { type: 'array', items: { type: 'object' } },
            subjects: { type: 'array', items: { type: 'object' } },
            manifest: { type: 'object' },
          },
        },
      },
    },
  })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID, or format/table is not one of the listed values')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, 'The dataset was stored by another platform version, whose generators may give other bytes: the answer names it')
  export(@Param('id', ParseUUIDPipe) id: string, @Query() query: ExportDatasetQuery, @CurrentUser() user: AuthenticatedUser): Promise<StreamableFile> {
    return this.datasets.export(id, query, user);
  }
}
