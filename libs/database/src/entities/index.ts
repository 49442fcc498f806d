import { Patient } from './patient.entity.js';
import { VitalSign } from './vital-sign.entity.js';

export { Patient, VitalSign };
export const ENTITIES = [Patient, VitalSign];
