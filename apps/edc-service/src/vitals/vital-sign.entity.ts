import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** numeric columns arrive from pg as strings; map them to numbers. */
const decimal = { to: (value: number): number => value, from: (value: string | null): number | null => (value === null ? null : Number(value)) };

@Entity({ name: 'vital_signs' })
export class VitalSign {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ name: 'visit_name', type: 'varchar' })
  visitName!: string;

  @Column({ name: 'visit_date', type: 'date', nullable: true })
  visitDate!: string | null;

  @Column({ name: 'measurement_time', type: 'timestamptz', nullable: true })
  measurementTime!: Date | null;

  @Column({ name: 'systolic_bp', type: 'smallint' })
  systolicBp!: number;

  @Column({ name: 'diastolic_bp', type: 'smallint' })
  diastolicBp!: number;

  @Column({ name: 'heart_rate', type: 'smallint' })
  heartRate!: number;

  @Column({ type: 'numeric', precision: 4, scale: 1, transformer: decimal })
  temperature!: number;

  @Column({ name: 'respiratory_rate', type: 'smallint', nullable: true })
  respiratoryRate!: number | null;

  @Column({ name: 'data_batch', type: 'uuid' })
  dataBatch!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set by a correction. */
  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt!: Date | null;

  /** Hidden from reads and analyses, kept for its history. */
  @Column({ name: 'entered_in_error_at', type: 'timestamptz', nullable: true })
  enteredInErrorAt!: Date | null;

  @Column({ name: 'entered_in_error_reason', type: 'text', nullable: true })
  enteredInErrorReason!: string | null;
}
