import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isValidKey } from './credential-cipher';

/** Validates the CREDENTIALS_KEY variable of the services that seal or open destination credentials. */
@ValidatorConstraint({ name: 'credentialsKey' })
export class CredentialsKeyConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidKey(value);
  }

  defaultMessage(): string {
    return 'CREDENTIALS_KEY is required: 32 random bytes as 64 hex characters (e.g. `openssl rand -hex 32`)';
  }
}
