import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const SUBJECT_STATUSES = ['screened', 'enrolled', 'randomized', 'completed', 'withdrawn', 'screen_failed'] as const;
export type SubjectStatus = (typeof SUBJECT_STATUSES)[number];

@Entity({ name: 'patients' })
export class Patient {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'protocol_id', type: 'varchar' })
  protocolId!: string;

  @Column({ name: 'subject_number', type: 'varchar' })
  subjectNumber!: string;

  @Column({ name: 'site_id', type: 'varchar', nullable: true })
  siteId!: string | null;

  @Column({ name: 'enrollment_date', type: 'date', nullable: true })
  enrollmentDate!: string | null;

  /** Null until the subject is randomized (or captured with an arm by store-vitals). */
  @Column({ name: 'treatment_arm', type: 'varchar', nullable: true })
  treatmentArm!: string | null;

  @Column({ type: 'varchar' })
  status!: SubjectStatus;

  @Column({ name: 'status_date', type: 'date', nullable: true })
  statusDate!: string | null;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'consent_date', type: 'date', nullable: true })
  consentDate!: string | null;

  /** False for subjects whose arm came with their first record (store-vitals), as the design had it. */
  @Column({ name: 'randomized_by_platform', type: 'boolean' })
  randomizedByPlatform!: boolean;

  @Column({ name: 'randomized_at', type: 'timestamptz', nullable: true })
  randomizedAt!: Date | null;

  /** Synthetic subjects: the generated dataset they were stored from (through the bulk-load contract); null for subjects captured at a site. */
  @Column({ name: 'dataset_id', type: 'uuid', nullable: true, insert: false, update: false })
  datasetId!: string | null;

  @Column({ type: 'jsonb' })
  demographics!: Record<string, unknown>;

  @Column({ name: 'medical_history', type: 'jsonb' })
  medicalHistory!: unknown[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
