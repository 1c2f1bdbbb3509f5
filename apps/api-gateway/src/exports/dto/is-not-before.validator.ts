import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** The decorated date must not be earlier than the date in `otherProperty` (when both are valid dates). */
export function IsNotBefore(otherProperty: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName,
      constraints: [otherProperty],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const other = (args.object as Record<string, unknown>)[otherProperty];
          if (typeof value !== 'string' || typeof other !== 'string') return true;
          const end = Date.parse(value);
          const start = Date.parse(other);
          return Number.isNaN(end) || Number.isNaN(start) || end >= start;
        },
      },
    });
}
