import { ApiProperty } from '@nestjs/swagger';
import { GeneratedAdverseEventResponse, GeneratedSubjectResponse, GeneratedVitalResponse } from './generated-data.response.js';
import { ManifestResponse } from './manifest.response.js';

/** A dataset returned without storing it: records can be posted to `POST /edc/store-vitals` as they are. */
export class PreviewResponse {
  @ApiProperty({ type: [GeneratedVitalResponse] }) records!: GeneratedVitalResponse[];
  @ApiProperty({ type: [GeneratedAdverseEventResponse] }) adverse_events!: GeneratedAdverseEventResponse[];
  @ApiProperty({ type: [GeneratedSubjectResponse] }) subjects!: GeneratedSubjectResponse[];
  @ApiProperty({ type: ManifestResponse }) manifest!: ManifestResponse;
}
