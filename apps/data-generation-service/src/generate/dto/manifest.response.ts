import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { GENERATION_METHODS, INJECTED_ERROR_KINDS } from '../../generators/dataset.js';

const VALUE: ApiPropertyOptions = { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'number' }], nullable: true };

export class InjectedErrorResponse {
  @ApiProperty({ enum: INJECTED_ERROR_KINDS }) kind!: string;
  @ApiProperty() SubjectID!: string;
  @ApiProperty() VisitName!: string;
  @ApiProperty({ type: String, nullable: true, example: 'SystolicBP', description: 'null for a duplicate visit (a record added)' }) field!: string | null;
  @ApiProperty({ ...VALUE, description: 'the clean value' }) original!: string | number | null;
  @ApiProperty({ ...VALUE, description: 'the value put in its place' }) injected!: string | number | null;
  @ApiProperty({ description: 'false: the capture rules refuse the record, so it is in previews and exports but never stored' }) storable!: boolean;
}

export class OmissionResponse {
  @ApiProperty({ enum: ['missing_visit', 'dropout'] }) kind!: string;
  @ApiProperty() SubjectID!: string;
  @ApiProperty({ description: 'the visit missed, or the first visit not done after dropping out' }) VisitName!: string;
}

export class ManifestCountsResponse {
  @ApiProperty({ type: 'integer' }) subjects!: number;
  @ApiProperty({ type: 'integer' }) records!: number;
  @ApiProperty({ type: 'integer' }) adverse_events!: number;
  @ApiProperty({ type: 'integer' }) injected_errors!: number;
  @ApiProperty({ type: 'integer' }) not_storable_records!: number;
  @ApiProperty({ type: 'integer' }) missing_visits!: number;
  @ApiProperty({ type: 'integer' }) dropouts!: number;
}

export class ArmCountResponse {
  @ApiProperty() arm!: string;
  @ApiProperty({ type: 'integer' }) subjects!: number;
}

export class ErrorRatesResponse {
  @ApiProperty() out_of_range!: number;
  @ApiProperty() swapped_bp!: number;
  @ApiProperty() unit_flip!: number;
  @ApiProperty() typo!: number;
  @ApiProperty() duplicate_visit!: number;
  @ApiProperty() arm_switch!: number;
}

/** The parameters as used: defaults filled in. */
export class GenerationParametersResponse {
  @ApiProperty() protocol_id!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null when the size was given as n_total' }) n_per_arm!: number | null;
  @ApiProperty({ type: 'integer' }) n_total!: number;
  @ApiProperty({ type: [ArmCountResponse] }) arm_counts!: ArmCountResponse[];
  @ApiProperty({ type: [String] }) sites!: string[];
  @ApiProperty({ type: 'integer' }) seed!: number;
  @ApiProperty({ format: 'date' }) reference_date!: string;
  @ApiProperty({ type: 'integer' }) enrolment_days!: number;
  @ApiProperty({ type: 'integer' }) first_subject_number!: number;
  @ApiProperty() missing_rate!: number;
  @ApiProperty() dropout_rate!: number;
  @ApiProperty({ type: ErrorRatesResponse }) errors!: ErrorRatesResponse;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) ae_rates!: Record<string, number>;
  @ApiProperty() serious_rate!: number;
  @ApiPropertyOptional({ description: 'rules' }) target_effect?: number;
  @ApiPropertyOptional({ description: 'rules' }) effect_visit?: string;
  @ApiPropertyOptional({ description: 'bootstrap' }) jitter?: number;
}

export class DesignArmResponse {
  @ApiProperty() armCode!: string;
  @ApiProperty({ type: 'integer' }) allocationRatio!: number;
}

export class DesignVisitResponse {
  @ApiProperty() visitName!: string;
  @ApiProperty({ type: 'integer' }) plannedDay!: number;
  @ApiProperty({ type: 'integer' }) windowBefore!: number;
  @ApiProperty({ type: 'integer' }) windowAfter!: number;
  @ApiProperty() required!: boolean;
}

export class ManifestDesignResponse {
  @ApiProperty() protocol!: string;
  @ApiProperty({ type: [DesignArmResponse] }) arms!: DesignArmResponse[];
  @ApiProperty({ type: [DesignVisitResponse] }) visits!: DesignVisitResponse[];
}

/** What a dataset is and how it was made: enough to make it again, byte for byte, and to check a copy. */
export class ManifestResponse {
  @ApiProperty({ enum: GENERATION_METHODS }) method!: string;
  @ApiProperty({ type: GenerationParametersResponse }) parameters!: GenerationParametersResponse;
  @ApiProperty({ type: 'integer' }) seed!: number;
  @ApiProperty({ format: 'date' }) reference_date!: string;
  @ApiProperty({ example: '0.1.0' }) software_version!: string;
  @ApiProperty({ type: ManifestDesignResponse }) design!: ManifestDesignResponse;
  @ApiPropertyOptional({ description: 'mvn and bootstrap: what the model learnt from' }) source?: string;
  @ApiProperty({ type: ManifestCountsResponse }) counts!: ManifestCountsResponse;
  @ApiProperty({ type: [InjectedErrorResponse] }) injected_errors!: InjectedErrorResponse[];
  @ApiProperty({ type: [OmissionResponse] }) omissions!: OmissionResponse[];
  @ApiProperty({ example: 'sha256:3b0c…', description: 'over every subject, record and adverse event in generation order' }) content_hash!: string;
}
