export const ROLES = ['admin', 'data_manager', 'investigator', 'monitor', 'statistician', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Who may do what; each route names one of these. The README's role matrix is this table. */
export const ACCESS = {
  /** Read subjects and their vitals. */
  readClinicalData: ['admin', 'data_manager', 'investigator', 'monitor', 'statistician', 'agent'],
  /** Capture vitals (store-vitals). */
  captureClinicalData: ['admin', 'data_manager', 'investigator', 'agent'],
  /** Set up studies: their sites, arms, visit schedule and randomization. */
  manageStudies: ['admin', 'data_manager'],
  /** Enrol subjects, randomize them, change their status; record and correct their data. */
  manageSubjects: ['admin', 'data_manager', 'investigator'],
  /** Lock and unlock a subject's data or one visit. */
  lockData: ['admin', 'data_manager'],
  /** Sign a subject's casebook (21 CFR Part 11): the investigators of the subject's site. */
  signCasebooks: ['investigator'],
  /** Create, change, deactivate users and reset their passwords. */
  manageUsers: ['admin'],
  /** Search, export and verify the audit trail. */
  reviewAudit: ['admin', 'monitor'],
  /** Generate synthetic datasets (previews, exports, comparisons) and read their manifests and jobs. */
  generateData: ['admin', 'data_manager', 'statistician', 'agent'],
  /** Store a generated dataset in a study's EDC tables (marked synthetic), and cancel its job. */
  storeGeneratedData: ['admin', 'data_manager'],
  /** Read a study's edit-check rules, check a batch without storing it, simulate noise. */
  readQualityRules: ['admin', 'data_manager', 'investigator', 'monitor', 'statistician', 'agent'],
  /** Write and import a study's edit-check rules; run the checks over stored data. */
  manageQualityRules: ['admin', 'data_manager'],
  /** Read data queries (site-limited users: their sites' only) and the runs of the checks. */
  readQueries: ['admin', 'data_manager', 'investigator', 'monitor', 'agent'],
  /** Answer a query (a site's response) and comment on it. */
  answerQueries: ['admin', 'data_manager', 'investigator'],
  /** Open, assign, close, re-open and cancel queries. */
  manageQueries: ['admin', 'data_manager'],
  /** Read statistics, risk-based monitoring and the clinical study reports (site-limited users: their sites' subjects only). */
  readStatistics: ['admin', 'data_manager', 'monitor', 'statistician', 'agent'],
  /** Generate a clinical study report (each generation stores a new version). */
  writeReports: ['admin', 'statistician'],
  /** Export a study's data as CDISC SDTM or HL7 FHIR (every export audited). */
  exportStandardData: ['admin', 'data_manager', 'statistician'],
  /** Prometheus metrics. */
  readMetrics: ['admin', 'agent'],
} as const satisfies Record<string, readonly Role[]>;
