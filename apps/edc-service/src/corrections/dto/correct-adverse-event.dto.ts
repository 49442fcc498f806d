import { PartialType } from '@nestjs/swagger';
import { AdverseEventFieldsDto } from '../../adverse-events/adverse-event-fields.js';
import { IsChangeReason } from './reason.js';

/**
 * A correction of one adverse event: the fields to change, with capture's rules (the rules
 * between fields are checked against the stored values too), and why.
 */
export class CorrectAdverseEventDto extends PartialType(AdverseEventFieldsDto) {
  @IsChangeReason('grade misread from the source document')
  reason!: string;
}
