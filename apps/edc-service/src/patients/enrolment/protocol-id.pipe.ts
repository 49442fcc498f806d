import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';

@Injectable()
export class ProtocolIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CLINICAL_CODE.test(value)) throw new BadRequestException(`protocolId ${CLINICAL_CODE_HINT}`);
    return value;
  }
}
