import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { DesignModule } from '../design/design.module.js';
import { GenerateController } from './generate.controller.js';
import { GenerateService } from './generate.service.js';
import { SourceResolution } from './source-resolution.js';

/** Previews of every generator, stores as background jobs, and comparisons of datasets. */
@Module({
  imports: [DesignModule, DatasetsModule],
  controllers: [GenerateController],
  providers: [GenerateService, SourceResolution],
})
export class GenerateModule {}
