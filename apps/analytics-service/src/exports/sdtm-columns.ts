import type { SdtmDomain } from './dto/export-bodies.dto.js';

/** Dataset-JSON v1.1 data types used here; a row's value is a JSON number for integer and float, else a string. */
export type SdtmDataType = 'string' | 'integer' | 'float' | 'date' | 'datetime';

export interface SdtmColumn {
  name: string;
  label: string;
  dataType: SdtmDataType;
  /** Position in the dataset's natural key (Dataset-JSON keySequence). */
  keySequence?: number;
}

const column = (name: string, label: string, dataType: SdtmDataType = 'string', keySequence?: number): SdtmColumn =>
  keySequence === undefined ? { name, label, dataType } : { name, label, dataType, keySequence };

const IDENTIFIERS: readonly SdtmColumn[] = [
  column('STUDYID', 'Study Identifier', 'string', 1),
  column('DOMAIN', 'Domain Abbreviation'),
  column('USUBJID', 'Unique Subject Identifier', 'string', 2),
];

/** SDTMIG v3.4 variables of each domain, in the order the files hold them. */
export const SDTM_COLUMNS: Record<SdtmDomain, readonly SdtmColumn[]> = {
  VS: [
    ...IDENTIFIERS,
    column('VSSEQ', 'Sequence Number', 'integer', 3),
    column('VSTESTCD', 'Vital Signs Test Short Name'),
    column('VSTEST', 'Vital Signs Test Name'),
    column('VSORRES', 'Result or Finding in Original Units'),
    column('VSORRESU', 'Original Units'),
    column('VSSTRESC', 'Character Result/Finding in Std Format'),
    column('VSSTRESN', 'Numeric Result/Finding in Standard Units', 'float'),
    column('VSSTRESU', 'Standard Units'),
    column('VSBLFL', 'Baseline Flag'),
    column('VISITNUM', 'Visit Number', 'integer'),
    column('VISIT', 'Visit Name'),
    column('VISITDY', 'Planned Study Day of Visit', 'integer'),
    column('VSDTC', 'Date/Time of Measurements', 'datetime'),
    column('VSDY', 'Study Day of Vital Signs', 'integer'),
  ],
  DM: [
    ...IDENTIFIERS,
    column('SUBJID', 'Subject Identifier for the Study'),
    column('RFSTDTC', 'Subject Reference Start Date/Time', 'date'),
    column('SITEID', 'Study Site Identifier'),
    column('AGE', 'Age', 'integer'),
    column('AGEU', 'Age Units'),
    column('SEX', 'Sex'),
    column('RACE', 'Race'),
    column('ETHNIC', 'Ethnicity'),
    column('ARMCD', 'Planned Arm Code'),
    column('ARM', 'Description of Planned Arm'),
    column('ACTARMCD', 'Actual Arm Code'),
    column('ACTARM', 'Description of Actual Arm'),
  ],
  AE: [
    ...IDENTIFIERS,
    column('AESEQ', 'Sequence Number', 'integer', 3),
    column('AETERM', 'Reported Term for the Adverse Event'),
    column('AEDECOD', 'Dictionary-Derived Term'),
    column('AEBODSYS', 'Body System or Organ Class'),
    column('AETOXGR', 'Standard Toxicity Grade'),
    column('AESER', 'Serious Event'),
    column('AEREL', 'Causality'),
    column('AEOUT', 'Outcome of Adverse Event'),
    column('AEACN', 'Action Taken with Study Treatment'),
    column('AESTDTC', 'Start Date/Time of Adverse Event', 'date'),
    column('AEENDTC', 'End Date/Time of Adverse Event', 'date'),
    column('AESTDY', 'Study Day of Start of Adverse Event', 'integer'),
    column('AEENDY', 'Study Day of End of Adverse Event', 'integer'),
  ],
};

export const SDTM_LABELS: Record<SdtmDomain, string> = { VS: 'Vital Signs', DM: 'Demographics', AE: 'Adverse Events' };
