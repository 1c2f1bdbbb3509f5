import { controlFor, describeApiError, fieldErrorsOf, placeFieldErrors } from './field-errors';

describe('field errors', () => {
  const controls = new Set(['name', 'destination.type', 'destination.port', 'columnHeaders', 'columnHeaders.0.label']);
  const aliases = { destination: 'destination.type' };

  it('finds the control of a field, or of the closest field that contains it', () => {
    expect(controlFor('name', controls)).toBe('name');
    expect(controlFor('destination.port', controls)).toBe('destination.port');
    expect(controlFor('columnHeaders.0.label', controls)).toBe('columnHeaders.0.label');
    expect(controlFor('columnHeaders.3', controls)).toBe('columnHeaders');
    expect(controlFor('columnHeaders.3.name', controls)).toBe('columnHeaders');
    expect(controlFor('destination', controls, aliases)).toBe('destination.type');
    expect(controlFor('destination.server', controls, aliases)).toBe('destination.type');
    expect(controlFor('body', controls)).toBeNull();
  });

  it('puts every reason beside its control once, and the rest in the summary', () => {
    const placed = placeFieldErrors(
      [
        { field: 'name', reasons: ['name may only contain letters'] },
        { field: 'columnHeaders.3', reasons: ['must be an object'] },
        { field: 'columnHeaders.4', reasons: ['must be an object'] },
        { field: 'body', reasons: ['the request cannot be turned into an export'] },
        { field: '__proto__', reasons: ['is a reserved name'] },
      ],
      controls,
    );
    expect(Object.fromEntries(placed.byControl)).toEqual({
      name: ['name may only contain letters'],
      columnHeaders: ['must be an object'],
    });
    expect(placed.unplaced.map((error) => error.field)).toEqual(['body', '__proto__']);
  });

  it('does not take an inherited property of the aliases for a control', () => {
    expect(controlFor('constructor', new Set(['constructor']), {})).toBe('constructor');
    expect(controlFor('toString', controls, {})).toBeNull();
  });

  it('reads only well-formed fields from an answer', () => {
    expect(
      fieldErrorsOf({ fields: [{ field: 'a', reasons: ['x'] }, { field: 1 }, { field: 'b', reasons: [2] }] }),
    ).toEqual([{ field: 'a', reasons: ['x'] }]);
    expect(fieldErrorsOf('text')).toEqual([]);
    expect(fieldErrorsOf(null)).toEqual([]);
  });

  it('describes an error answer by its code and message, or by its status', () => {
    expect(describeApiError(400, { code: 'VALIDATION_FAILED', message: 'invalid request: name' })).toBe(
      'VALIDATION_FAILED: invalid request: name',
    );
    expect(describeApiError(502, '<html>bad gateway</html>')).toBe('HTTP 502: the request failed');
  });
});
