import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, Roles } from '../../../auth/src/index.js';
import { ApiFeature } from '../docs/responses.js';
import { MetricsService } from './metrics.service.js';

@ApiFeature('metrics')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Roles(ACCESS.readMetrics)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ operationId: 'scrapeMetrics', summary: 'Prometheus metrics of this process (text exposition format 0.0.4)' })
  @ApiOkResponse({ description: 'the metrics', content: { 'text/plain': { schema: { type: 'string', example: 'http_requests_total{method="GET",route="/edc/patients",status="200"} 1' } } } })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
