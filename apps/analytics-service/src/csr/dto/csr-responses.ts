import { ApiProperty } from '@nestjs/swagger';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';
import { ScopeDescriptionBody } from '../../results/result-meta.js';
import type { CsrFormatName } from './csr-requests.dto.js';

export type CsrFormat = CsrFormatName;

export class CsrLinks {
  @ApiProperty({ example: '/analytics/csr/3f1c…?format=json' }) json!: string;
  @ApiProperty({ example: '/analytics/csr/3f1c…?format=html' }) html!: string;
  @ApiProperty({ example: '/analytics/csr/3f1c…?format=markdown' }) markdown!: string;
}

/** A stored version of a study's report, without its content. */
export class CsrDocument {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'RA001' }) protocol_id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: "1 for the study's first report, one more for each regeneration" }) version!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, nullable: true }) created_by_username!: string | null;
  @ApiProperty({
    pattern: '^[0-9a-f]{64}$',
    description:
      'sha256 of the data the report shows (the study design it used, and the shown columns of the subjects, vitals, adverse events, queries and check runs in scope), ' +
      'computed by data_sha256_method: equal for the same data',
  })
  data_sha256!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'csr-data-v1',
    description: 'how data_sha256 was computed (see the documentation of the method); null for versions stored before methods were named',
  })
  data_sha256_method!: string | null;
  @ApiProperty({ example: '0.1.0', description: 'the platform version that computed it' }) software_version!: string;
  @ApiProperty({ type: ScopeDescriptionBody }) scope!: ScopeDescriptionBody;
  @ApiProperty({ description: 'some subject in scope was stored from a generated (synthetic) dataset' }) synthetic!: boolean;
  @ApiProperty({ type: CsrLinks }) links!: CsrLinks;
}

export class CsrDocumentPage implements Page<CsrDocument> {
  @ApiProperty({ type: [CsrDocument], description: 'newest version first' }) data!: CsrDocument[];
  @ApiProperty({ type: PageInfo }) page!: PageInfo;
}
