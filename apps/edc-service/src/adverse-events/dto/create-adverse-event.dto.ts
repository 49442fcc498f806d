import { AdverseEventFieldsDto } from '../adverse-event-fields.js';

/** An adverse event as a site records it: every field of `AdverseEventFieldsDto` (end_date optional). */
export class CreateAdverseEventDto extends AdverseEventFieldsDto {}
