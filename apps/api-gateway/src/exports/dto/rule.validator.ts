import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * Applies a syntax rule of `@cae/destination-rules` (a function that returns what is wrong, or null) to a string
 * property; the rule's own words become the reason of the 400. Non-strings are left to `@IsString`.
 */
export function FollowsRule(rule: (value: string) => string | null, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: `follows:${rule.name}`,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || rule(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${rule(String(args?.value ?? ''))}`,
      },
    });
}
