import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

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

  @Column({ name: 'enrollment_date', type: 'date' })
  enrollmentDate!: string;

  @Column({ name: 'treatment_arm', type: 'varchar' })
  treatmentArm!: string;

  @Column({ type: 'varchar' })
  status!: string;

  @Column({ type: 'jsonb' })
  demographics!: Record<string, unknown>;

  @Column({ name: 'medical_history', type: 'jsonb' })
  medicalHistory!: unknown[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
