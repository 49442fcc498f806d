import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../clinical-codes.js';

/** A route parameter that names a protocol or site: refused with 400 naming the parameter when malformed. */
export function clinicalCodeParam(name: string): PipeTransform<string, string> {
  @Injectable()
  class ClinicalCodePipe implements PipeTransform<string, string> {
    transform(value: string): string {
      if (!CLINICAL_CODE.test(value)) throw new BadRequestException(`${name} ${CLINICAL_CODE_HINT}`);
      return value;
    }
  }
  return new ClinicalCodePipe();
}

export const PROTOCOL_ID_PARAM = { name: 'protocolId', description: 'the study\'s protocol id', example: 'DEFAULT' } as const;
export const SITE_ID_PARAM = { name: 'siteId', description: 'the site id', example: 'S01' } as const;
