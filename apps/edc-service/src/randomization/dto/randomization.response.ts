import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';

/**
 * The arm a subject was randomized to. Deliberately without the block size, block number or slot:
 * with them, the next assignment in the stratum could be worked out.
 */
export class RandomizationResponse extends SubjectIdentity {
  @ApiProperty({ format: 'date-time' })
  randomized_at!: string;

  @ApiProperty({ example: 'site=S01|sex=F', description: 'the site, then each factor the study stratifies by' })
  stratum!: string;
}
