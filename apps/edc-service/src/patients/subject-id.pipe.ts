import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../clinical-codes.js';

@Injectable()
export class SubjectIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CLINICAL_CODE.test(value)) throw new BadRequestException(`subjectId ${CLINICAL_CODE_HINT}`);
    return value;
  }
}
