import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { AuthAndAuditChain1764200000000 } from './1764200000000-auth-and-audit-chain.js';
import { AuditChainSealing1764300000000 } from './1764300000000-audit-chain-sealing.js';
import { LeastPrivilegeRuntimeRole1764400000000 } from './1764400000000-least-privilege-runtime-role.js';
import { AuditQuarantine1764500000000 } from './1764500000000-audit-quarantine.js';
import { EdcSubjectSitesView1764600000000 } from './1764600000000-edc-subject-sites-view.js';
import { InstallationIdAndCacheInvalidations1764700000000 } from './1764700000000-installation-id-and-cache-invalidations.js';
import { AuditHashCanonical1764800000000 } from './1764800000000-audit-hash-canonical.js';
import { EdcTrialDesign1764900000000 } from './1764900000000-edc-trial-design.js';
import { EdcBulkLoad1765000000000 } from './1765000000000-edc-bulk-load.js';
import { GenerationDatasets1765100000000 } from './1765100000000-generation-datasets.js';
import { QualityChecks1765200000000 } from './1765200000000-quality-checks.js';
import { SecurityUserDirectory1765300000000 } from './1765300000000-security-user-directory.js';
import { EdcStudiesViewFlags1765400000000 } from './1765400000000-edc-studies-view-flags.js';
import { QualityCaptureContract1765500000000 } from './1765500000000-quality-capture-contract.js';
import { QualityGuards1765600000000 } from './1765600000000-quality-guards.js';
import { QualityAnalyticsContract1765700000000 } from './1765700000000-quality-analytics-contract.js';
import { AnalyticsDocuments1765800000000 } from './1765800000000-analytics-documents.js';

/** Every migration, oldest first. Add new ones at the end (one import line and one list entry each). */
export const MIGRATIONS = [
  InitialSchema1764100000000,
  AuthAndAuditChain1764200000000,
  AuditChainSealing1764300000000,
  LeastPrivilegeRuntimeRole1764400000000,
  AuditQuarantine1764500000000,
  EdcSubjectSitesView1764600000000,
  InstallationIdAndCacheInvalidations1764700000000,
  AuditHashCanonical1764800000000,
  EdcTrialDesign1764900000000,
  EdcBulkLoad1765000000000,
  GenerationDatasets1765100000000,
  QualityChecks1765200000000,
  SecurityUserDirectory1765300000000,
  EdcStudiesViewFlags1765400000000,
  QualityCaptureContract1765500000000,
  QualityGuards1765600000000,
  QualityAnalyticsContract1765700000000,
  AnalyticsDocuments1765800000000,
];
