import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isValidKey, parseKeyList } from './credential-cipher';

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

/** Validates CREDENTIALS_KEY_PREVIOUS: empty, or comma-separated keys of the same form as CREDENTIALS_KEY. */
@ValidatorConstraint({ name: 'previousCredentialsKeys' })
export class PreviousCredentialsKeysConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseKeyList(value).every(isValidKey);
  }

  defaultMessage(): string {
    return 'CREDENTIALS_KEY_PREVIOUS must be empty or comma-separated keys of 64 hex characters each';
  }
}
