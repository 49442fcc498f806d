import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export const DEFAULT_MEANING = 'I approve the data as complete and accurate';

export class SignCasebookDto {
  @ApiProperty({ format: 'password', description: 'your password, checked again: a signature is your identity (the token) and your password (21 CFR 11.200)' })
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiPropertyOptional({ example: DEFAULT_MEANING, description: `what the signature means (default "${DEFAULT_MEANING}")` })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @Matches(/\S/, { message: 'meaning must not be blank' })
  meaning?: string;
}
